//! The coordination factor: a course's score is the sum of the query's concepts it matches,
//! times the share of them it matches.

use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Occur, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// The concepts of a query, summed, times the share of them a document matches raised to
/// `exponent` (Lucene's classic coordination factor): a course that has every concept of
/// "ChatGPT 엑셀 업무" beats one that has two of them many times over.
///
/// `extras` (the query's generic words, "업무", "실무") add their score to a course that matches
/// at least one clause, scaled the same way, but neither find a course on their own nor count
/// in the share: a course is not ranked for having them instead of the query's other words.
#[derive(Debug)]
pub(crate) struct CoordQuery {
    pub clauses: Vec<Box<dyn Query>>,
    pub extras: Vec<Box<dyn Query>>,
    pub exponent: Score,
}

impl Clone for CoordQuery {
    fn clone(&self) -> Self {
        CoordQuery {
            clauses: self.clauses.iter().map(|q| q.box_clone()).collect(),
            extras: self.extras.iter().map(|q| q.box_clone()).collect(),
            exponent: self.exponent,
        }
    }
}

impl Query for CoordQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if !enable_scoring.is_scoring_enabled() {
            let clauses = self.clauses.iter().map(|q| (Occur::Should, q.box_clone())).collect();
            return BooleanQuery::new(clauses).weight(enable_scoring);
        }
        let weights = |queries: &[Box<dyn Query>]| {
            queries
                .iter()
                .map(|q| q.weight(enable_scoring))
                .collect::<tantivy::Result<Vec<_>>>()
        };
        Ok(Box::new(CoordWeight {
            weights: weights(&self.clauses)?,
            extras: weights(&self.extras)?,
            exponent: self.exponent,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in self.clauses.iter().chain(&self.extras) {
            clause.query_terms(visitor);
        }
    }
}

struct CoordWeight {
    weights: Vec<Box<dyn Weight>>,
    extras: Vec<Box<dyn Weight>>,
    exponent: Score,
}

impl Weight for CoordWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let scorers = |weights: &[Box<dyn Weight>]| {
            weights
                .iter()
                .map(|w| w.scorer(reader, boost))
                .collect::<tantivy::Result<Vec<_>>>()
        };
        let (main, extras) = (scorers(&self.weights)?, scorers(&self.extras)?);
        let doc = main.iter().map(|s| s.doc()).min().unwrap_or(TERMINATED);
        Ok(Box::new(CoordScorer {
            total: main.len(),
            scorers: main,
            extras,
            doc,
            exponent: self.exponent,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new(
            "sum of concepts × (matched / all)^exponent",
            scorer.score(),
        ))
    }
}

struct CoordScorer {
    scorers: Vec<Box<dyn Scorer>>,
    /// Positioned lazily: sought to the current document when it is scored.
    extras: Vec<Box<dyn Scorer>>,
    total: usize,
    doc: DocId,
    exponent: Score,
}

impl CoordScorer {
    fn settle(&mut self) -> DocId {
        self.doc = self.scorers.iter().map(|s| s.doc()).min().unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for CoordScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        for scorer in &mut self.scorers {
            if scorer.doc() == current {
                scorer.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        for scorer in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers.iter().map(|s| s.size_hint()).max().unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for CoordScorer {
    fn score(&mut self) -> Score {
        let mut sum = 0.0;
        let mut matched = 0usize;
        for scorer in &mut self.scorers {
            if scorer.doc() == self.doc {
                sum += scorer.score();
                matched += 1;
            }
        }
        for extra in &mut self.extras {
            if extra.doc() < self.doc {
                extra.seek(self.doc);
            }
            if extra.doc() == self.doc {
                sum += extra.score();
            }
        }
        sum * (matched as Score / self.total as Score).powf(self.exponent)
    }
}
