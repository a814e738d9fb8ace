//! The course index: writing (rebuild, upsert) and reading (search, suggest).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use aiup_catalogue::{Course, Institution};
use tantivy::directory::MmapDirectory;
use tantivy::index::SegmentId;
use tantivy::query::{AllQuery, Query};
use tantivy::schema::Value;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::analysis::EnglishStemmer;
use crate::collect::{CompiledFilters, FacetCollector, ProgrammeDict, SegmentData};
use crate::query::Builder;
use crate::schema::{build_schema, day_code, make_document, Fields, StoredDoc};
use crate::suggest::SuggestIndex;
use crate::{
    Hit, IndexStats, SearchContext, SearchError, SearchRequest, SearchResults, SortOrder, Suggestion, MAX_LIMIT,
};

/// Indexing memory per writer thread.
const WRITER_MEMORY_PER_THREAD: usize = 96 * 1024 * 1024;

/// A searchable snapshot: the searcher and the in-memory data built for its segments.
struct State {
    searcher: Searcher,
    segments: HashMap<SegmentId, Arc<SegmentData>>,
    programmes: ProgrammeDict,
    min_month: u32,
    max_month: u32,
    suggest: SuggestIndex,
    generation: Option<u64>,
    /// The [`SearchContext::version`] the last commit was written under.
    context_version: Option<String>,
}

struct WriteSide {
    writer: IndexWriter<TantivyDocument>,
    programmes: ProgrammeDict,
}

struct Inner {
    index: Index,
    fields: Fields,
    ctx: RwLock<Arc<SearchContext>>,
    reader: IndexReader,
    threads: usize,
    write: Mutex<WriteSide>,
    state: RwLock<Arc<State>>,
}

/// The course search index. Cheap to clone; every clone shares one index. Searches run
/// concurrently; writes (rebuild, upsert) are serialised and become visible atomically.
#[derive(Clone)]
pub struct CourseIndex {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for CourseIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CourseIndex")
            .field("documents", &self.len())
            .field("generation", &self.generation())
            .finish()
    }
}

impl CourseIndex {
    /// A new, empty index held in memory (tests, benchmarks, small deployments).
    pub fn create_in_ram(ctx: SearchContext) -> Result<Self, SearchError> {
        let (schema, fields) = build_schema();
        CourseIndex::new(Index::create_in_ram(schema), fields, ctx)
    }

    /// Opens the index in `dir`, or creates an empty one there.
    pub fn open_or_create(dir: &Path, ctx: SearchContext) -> Result<Self, SearchError> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = build_schema();
        let directory = MmapDirectory::open(dir)?;
        let index = Index::open_or_create(directory, schema)?;
        CourseIndex::new(index, fields, ctx)
    }

    fn new(index: Index, fields: Fields, ctx: SearchContext) -> Result<Self, SearchError> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        let writer = index.writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let mut write = WriteSide {
            writer,
            programmes: ProgrammeDict::default(),
        };
        let state = load_state(&index, &reader, &fields, None, &mut write.programmes)?;
        Ok(CourseIndex {
            inner: Arc::new(Inner {
                index,
                fields,
                ctx: RwLock::new(Arc::new(ctx)),
                reader,
                threads,
                write: Mutex::new(write),
                state: RwLock::new(Arc::new(state)),
            }),
        })
    }

    fn state(&self) -> Arc<State> {
        match self.inner.state.read() {
            Ok(state) => Arc::clone(&state),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The generation stored with the last commit; `None` for an index never written, or
    /// written under another [`SearchContext`] than the current one.
    pub fn generation(&self) -> Option<u64> {
        let state = self.state();
        let ctx = self.context();
        state
            .generation
            .filter(|_| state.context_version.as_deref() == Some(committed_version(&ctx).as_str()))
    }

    /// The context documents are derived with.
    pub fn context(&self) -> Arc<SearchContext> {
        Arc::clone(&self.inner.ctx.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Replaces the context (after a policy or region change). The index then reports no
    /// generation until it is rebuilt under the new context.
    pub fn set_context(&self, ctx: SearchContext) {
        *self
            .inner
            .ctx
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(ctx);
    }

    /// Live documents (courses) in the index.
    pub fn len(&self) -> u64 {
        self.state().searcher.num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces every document. `generation` is stored in the commit payload.
    pub fn rebuild(
        &self,
        institutions: &[Institution],
        courses: &[Course],
        generation: u64,
    ) -> Result<IndexStats, SearchError> {
        let by_id = institutions_by_id(institutions, courses)?;
        let parts = courses.iter().collect();
        self.write(generation, true, |writer, ctx| {
            writer.delete_all_documents()?;
            self.add_courses(writer, ctx, &by_id, parts, false)
        })
    }

    /// [`CourseIndex::rebuild`] from courses the caller no longer needs: each is dropped once
    /// its document is made, so the batch shrinks while the writer's memory grows.
    pub fn rebuild_owned(
        &self,
        institutions: &[Institution],
        courses: Vec<Course>,
        generation: u64,
    ) -> Result<IndexStats, SearchError> {
        let by_id = institutions_by_id(institutions, &courses)?;
        let parts = courses;
        self.write(generation, true, |writer, ctx| {
            writer.delete_all_documents()?;
            self.add_courses(writer, ctx, &by_id, parts, false)
        })
    }

    /// Adds these courses or replaces the documents with the same ids, in one commit.
    /// `institutions` must hold every institution the courses refer to.
    pub fn upsert(
        &self,
        institutions: &[Institution],
        courses: &[Course],
        generation: u64,
    ) -> Result<IndexStats, SearchError> {
        let by_id = institutions_by_id(institutions, courses)?;
        let parts = courses.iter().collect();
        self.write(generation, false, |writer, ctx| {
            self.add_courses(writer, ctx, &by_id, parts, true)
        })
    }

    /// [`CourseIndex::upsert`] from courses the caller no longer needs (dropped as indexed).
    pub fn upsert_owned(
        &self,
        institutions: &[Institution],
        courses: Vec<Course>,
        generation: u64,
    ) -> Result<IndexStats, SearchError> {
        let by_id = institutions_by_id(institutions, &courses)?;
        let parts = courses;
        self.write(generation, false, |writer, ctx| {
            self.add_courses(writer, ctx, &by_id, parts, true)
        })
    }

    /// Runs `change` on the writer and commits it, or on any error rolls back so the index
    /// stays as it was at the last commit. One context serves the whole write, and its version
    /// is the one committed.
    fn write(
        &self,
        generation: u64,
        merge: bool,
        change: impl FnOnce(&IndexWriter<TantivyDocument>, &SearchContext) -> Result<(), SearchError>,
    ) -> Result<IndexStats, SearchError> {
        let mut write = self.inner.write.lock().map_err(|_| SearchError::Poisoned)?;
        let ctx = self.context();
        let result = change(&write.writer, &ctx).and_then(|()| self.commit(&mut write, &ctx, generation, merge));
        if result.is_err() {
            let _ = write.writer.rollback();
        }
        result
    }

    /// Analyses the courses on several threads and hands them to the writer; an owned course
    /// is dropped as soon as its document is made.
    fn add_courses<C: std::borrow::Borrow<Course> + Send>(
        &self,
        writer: &IndexWriter<TantivyDocument>,
        ctx: &SearchContext,
        institutions: &HashMap<&str, &Institution>,
        courses: Vec<C>,
        replace: bool,
    ) -> Result<(), SearchError> {
        let inner = &self.inner;
        // The threads take the next course from one queue (the writer's own threads make the
        // order of documents nondeterministic anyway).
        let queue = &Mutex::new(courses.into_iter());
        let next = move || queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).next();
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..inner.threads)
                .map(|_| {
                    scope.spawn(move || -> Result<(), SearchError> {
                        let mut stemmer = EnglishStemmer::default();
                        while let Some(course) = next() {
                            let course = course.borrow();
                            let institution = institutions.get(course.institution.as_str()).ok_or_else(|| {
                                SearchError::MissingInstitution {
                                    course: course.id.to_string(),
                                    institution: course.institution.to_string(),
                                }
                            })?;
                            let doc = make_document(&inner.fields, course, institution, ctx, &mut stemmer)
                                .map_err(|e| SearchError::Corrupt(e.to_string()))?;
                            if replace {
                                writer.delete_term(Term::from_field_text(inner.fields.id, course.id.as_str()));
                            }
                            writer.add_document(doc)?;
                        }
                        Ok(())
                    })
                })
                .collect();
            handles.into_iter().try_for_each(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(SearchError::Corrupt("an indexing thread panicked".to_owned())))
            })
        })
    }

    /// Commits with the generation as payload; after a rebuild (`merge`), merges the writer
    /// threads' segments into one, since a query pays per segment for every term it looks up.
    fn commit(
        &self,
        write: &mut WriteSide,
        ctx: &SearchContext,
        generation: u64,
        merge: bool,
    ) -> Result<IndexStats, SearchError> {
        let mut prepared = write.writer.prepare_commit()?;
        prepared.set_payload(&format!("{generation}\n{}", committed_version(ctx)));
        prepared.commit()?;
        if merge {
            let segments = self.inner.index.searchable_segment_ids()?;
            if segments.len() > 1 {
                write.writer.merge(&segments).wait()?;
            }
        }
        self.inner.reader.reload()?;
        let previous = self.state();
        let state = load_state(
            &self.inner.index,
            &self.inner.reader,
            &self.inner.fields,
            Some(&previous),
            &mut write.programmes,
        )?;
        let documents = state.searcher.num_docs();
        match self.inner.state.write() {
            Ok(mut slot) => *slot = Arc::new(state),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(state),
        }
        Ok(IndexStats { documents, generation })
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let state = self.state();
        let ctx = self.context();
        let mut builder = Builder {
            fields: &self.inner.fields,
            searcher: &state.searcher,
            synonyms: &ctx.synonyms,
            sound: state.suggest.sound(),
            stemmer: EnglishStemmer::default(),
        };
        let text_query = builder.build(&request.query);
        let sort = match (&text_query, request.sort) {
            (None, SortOrder::Relevance) => SortOrder::StartDate,
            (_, sort) => sort,
        };
        let query: Box<dyn Query> = text_query.unwrap_or_else(|| Box::new(AllQuery));
        let limit = request.limit.min(MAX_LIMIT);
        let collector = FacetCollector {
            segments: state.segments.clone(),
            filters: Arc::new(CompiledFilters::compile(&request.filters, &state.programmes)),
            sort,
            scoring: sort == SortOrder::Relevance,
            today: day_code(request.today) as u32,
            profile: request.profile.index(),
            keep: request.offset.saturating_add(limit),
            programmes: state.programmes.names.len(),
            min_month: state.min_month,
            max_month: state.max_month,
        };
        let fruit = state.searcher.search(query.as_ref(), &collector)?;
        let mut hits = Vec::with_capacity(limit);
        for ranked in fruit.top.iter().skip(request.offset).take(limit) {
            let doc: TantivyDocument = state.searcher.doc(ranked.address)?;
            let json = doc
                .get_first(self.inner.fields.doc)
                .and_then(|v| v.as_str())
                .ok_or_else(|| SearchError::Corrupt(format!("document {} has no stored course", ranked.id)))?;
            let stored: StoredDoc =
                serde_json::from_str(json).map_err(|e| SearchError::Corrupt(format!("{}: {e}", ranked.id)))?;
            hits.push(Hit {
                course: stored.course,
                institution: stored.institution,
                score: ranked.score,
            });
        }
        Ok(SearchResults {
            total: fruit.total,
            hits,
            facets: fruit.counts.facets(&state.programmes, &ctx.policy.programme_order),
        })
    }

    /// Completions of what the user is typing, most common first.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>, SearchError> {
        Ok(self.state().suggest.lookup(prefix, limit))
    }
}

fn institutions_by_id<'a>(
    institutions: &'a [Institution],
    courses: &[Course],
) -> Result<HashMap<&'a str, &'a Institution>, SearchError> {
    let by_id: HashMap<&str, &Institution> = institutions.iter().map(|i| (i.id.as_str(), i)).collect();
    if let Some(course) = courses.iter().find(|c| !by_id.contains_key(c.institution.as_str())) {
        return Err(SearchError::MissingInstitution {
            course: course.id.to_string(),
            institution: course.institution.to_string(),
        });
    }
    Ok(by_id)
}

fn load_state(
    index: &Index,
    reader: &IndexReader,
    fields: &Fields,
    previous: Option<&State>,
    programmes: &mut ProgrammeDict,
) -> Result<State, SearchError> {
    let searcher = reader.searcher();
    let mut segments = HashMap::new();
    for segment in searcher.segment_readers() {
        let id = segment.segment_id();
        let data = match previous.and_then(|p| p.segments.get(&id)) {
            Some(data) => Arc::clone(data),
            None => Arc::new(SegmentData::load(segment, programmes)?),
        };
        segments.insert(id, data);
    }
    let min_month = segments.values().map(|s| s.min_month).min().unwrap_or(u32::MAX);
    let max_month = segments.values().map(|s| s.max_month).max().unwrap_or(0);
    let suggest = SuggestIndex::scan(&searcher, fields.sugg)?;
    let payload = index.load_metas()?.payload.unwrap_or_default();
    let (generation, context_version) = match payload.split_once('\n') {
        Some((generation, version)) => (generation.parse().ok(), Some(version.to_owned())),
        // An index from before contexts were versioned: treated as never written.
        None => (None, None),
    };
    Ok(State {
        searcher,
        segments,
        programmes: programmes.clone(),
        min_month,
        max_month,
        suggest,
        generation,
        context_version,
    })
}

/// What documents were derived with: the layout of their fields (bump it when a field or the
/// packing changes, e.g. layout 2 added the time of day) and the search context.
const DOCUMENT_LAYOUT: &str = "layout 2";

fn committed_version(ctx: &SearchContext) -> String {
    format!("{DOCUMENT_LAYOUT} {}", ctx.version)
}
