//! Plain BM25 over character bigrams: one tantivy text field holding all five text fields,
//! cut into lowercased alphanumeric runs and each run into overlapping character bigrams (a
//! one-character run as itself). The query is cut the same way and its distinct bigrams are
//! ORed. Tantivy's default BM25 (k1 = 1.2, b = 0.75); no synonyms, no stemming, no boosts.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

use aiup_search::analysis::pretokenized;

use crate::rows::CourseRow;

pub struct BigramIndex {
    id: Field,
    text: Field,
    reader: IndexReader,
}

impl std::fmt::Debug for BigramIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BigramIndex")
            .field("documents", &self.reader.searcher().num_docs())
            .finish()
    }
}

/// The bigrams of `text`, in order (with repeats).
pub fn bigrams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in text.split(|c: char| !c.is_alphanumeric()).filter(|r| !r.is_empty()) {
        let chars: Vec<char> = run.chars().flat_map(char::to_lowercase).collect();
        if chars.len() == 1 {
            out.push(chars[0].to_string());
        }
        for pair in chars.windows(2) {
            out.push(pair.iter().collect());
        }
    }
    out
}

impl BigramIndex {
    pub fn build(rows: &[CourseRow]) -> anyhow::Result<BigramIndex> {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING | STORED);
        let text = builder.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("raw")
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 50_000_000)?;
        for row in rows {
            let all = [
                row.title.as_str(),
                &row.keywords,
                &row.occupation,
                &row.summary,
                &row.institution,
            ]
            .join("\n");
            let mut doc = TantivyDocument::default();
            doc.add_text(id, &row.id);
            doc.add_pre_tokenized_text(text, pretokenized(bigrams(&all)));
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(BigramIndex { id, text, reader })
    }

    /// The ids of the best `limit` courses, best first (ties by id).
    pub fn search(&self, query: &str, limit: usize) -> anyhow::Result<Vec<String>> {
        let mut grams = bigrams(query);
        grams.sort();
        grams.dedup();
        if grams.is_empty() {
            return Ok(Vec::new());
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = grams
            .into_iter()
            .map(|g| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.text, &g),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, q)
            })
            .collect();
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit + 20).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id = doc
                .get_first(self.id)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            hits.push((score, id));
        }
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(hits.into_iter().take(limit).map(|(_, id)| id).collect())
    }
}
