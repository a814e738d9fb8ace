//! Ranking the courses meant for an audience the query names ("어르신 AI 교육") first.

use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use crate::schema::{AUDIENCE, F_PACKED};

/// What being meant for the named audience adds to a course's score: more than one concept of
/// the query can score in every zone at once (about 16), twice over, so that the courses for
/// that audience rank first among those that match the rest of the query, as the searcher
/// asked, unless another course matches several more of the query's words.
pub(crate) const AUDIENCE_BONUS: Score = 30.0;

/// Wraps the query's main clause: a matching course whose audiences hold any bit of `mask`
/// (see `schema::audience_bit`) scores `bonus` more. Courses that do not match `inner` are
/// not added, so the audience alone never finds a course.
#[derive(Debug)]
pub(crate) struct AudienceQuery {
    pub inner: Box<dyn Query>,
    pub mask: u64,
    pub bonus: Score,
}

impl Clone for AudienceQuery {
    fn clone(&self) -> Self {
        AudienceQuery {
            inner: self.inner.box_clone(),
            mask: self.mask,
            bonus: self.bonus,
        }
    }
}

impl Query for AudienceQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            return Ok(inner);
        }
        Ok(Box::new(AudienceWeight {
            inner,
            mask: self.mask,
            bonus: self.bonus,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct AudienceWeight {
    inner: Box<dyn Weight>,
    mask: u64,
    bonus: Score,
}

impl AudienceWeight {
    fn packed(reader: &SegmentReader) -> tantivy::Result<Option<Column<u64>>> {
        reader.fast_fields().column_opt::<u64>(F_PACKED)
    }
}

impl Weight for AudienceWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(AudienceScorer {
            inner: self.inner.scorer(reader, boost)?,
            packed: AudienceWeight::packed(reader)?,
            mask: self.mask,
            bonus: self.bonus * boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.inner.explain(reader, doc)?;
        let packed = AudienceWeight::packed(reader)?;
        let matched = meant_for(packed.as_ref(), doc, self.mask);
        let value = if matched {
            inner.value() + self.bonus
        } else {
            inner.value()
        };
        let mut explanation = Explanation::new(
            if matched {
                "meant for the audience the query names"
            } else {
                "not meant for the audience the query names"
            },
            value,
        );
        explanation.add_detail(inner);
        Ok(explanation)
    }
}

fn meant_for(packed: Option<&Column<u64>>, doc: DocId, mask: u64) -> bool {
    packed
        .and_then(|c| c.first(doc))
        .is_some_and(|p| AUDIENCE.get(p) & mask != 0)
}

struct AudienceScorer {
    inner: Box<dyn Scorer>,
    packed: Option<Column<u64>>,
    mask: u64,
    bonus: Score,
}

impl DocSet for AudienceScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for AudienceScorer {
    fn score(&mut self) -> Score {
        let score = self.inner.score();
        if meant_for(self.packed.as_ref(), self.inner.doc(), self.mask) {
            score + self.bonus
        } else {
            score
        }
    }
}
