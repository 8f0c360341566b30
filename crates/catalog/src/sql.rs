//! Building statements whose number of parameters depends on the input.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{AnyPool, AssertSqlSafe};
use wharf_model::{Page, WharfResult};

use crate::{Backend, db_err};

/// Parameters bound to one statement with numbered placeholders at most. SQLite finds each
/// numbered parameter by walking the statement's list of names, so binding n of them costs n²:
/// past a few hundred, binding costs more than the round trips it saves.
const NUMBERED_PARAMS_PER_STATEMENT: usize = 256;
/// Parameters bound to one statement with positional placeholders at most, well under both
/// databases' limits.
const POSITIONAL_PARAMS_PER_STATEMENT: usize = 4096;

/// Rows of `columns` numbered parameters each per multi-row statement (or ids per `IN (...)`
/// list).
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (NUMBERED_PARAMS_PER_STATEMENT / columns.max(1)).max(1)
}

/// Rows of `columns` parameters each per statement built with [`DynamicSql::positional`].
pub(crate) fn positional_rows_per_statement(columns: usize) -> usize {
    (POSITIONAL_PARAMS_PER_STATEMENT / columns.max(1)).max(1)
}

/// A statement with its parameters bound, owning all it needs.
pub(crate) type Statement = sqlx::query::Query<'static, sqlx::Any, AnyArguments>;

/// `items` in runs of at most `size`, by value: rows whose text is moved into a statement's
/// parameters rather than copied.
pub(crate) fn owned_chunks<T>(items: Vec<T>, size: usize) -> impl Iterator<Item = Vec<T>> {
    let size = size.max(1);
    let mut items = items.into_iter();
    std::iter::from_fn(move || {
        let chunk: Vec<T> = items.by_ref().take(size).collect();
        (!chunk.is_empty()).then_some(chunk)
    })
}

/// A statement whose text is made of fixed fragments and placeholders only, so it is safe to
/// run even though it is built at run time.
pub(crate) struct DynamicSql {
    text: String,
    next: usize,
    /// Placeholders are SQLite's bare `?`, bound in the order they appear.
    bare: bool,
}

impl DynamicSql {
    /// A statement with numbered placeholders (`$1`, `$2`, ...); `head` may use some.
    pub(crate) fn new(head: &'static str) -> Self {
        Self {
            text: head.to_owned(),
            next: 1,
            bare: false,
        }
    }

    /// A statement whose parameters are all appended with [`DynamicSql::param`] and bound in
    /// that order; `head` has none. On SQLite its placeholders are bare `?`, which bind in
    /// constant time each: the form for statements with thousands of parameters.
    pub(crate) fn positional(backend: Backend, head: &'static str) -> Self {
        debug_assert!(
            !head.contains('$'),
            "a positional statement's head has no parameters"
        );
        Self {
            text: head.to_owned(),
            next: 1,
            bare: backend == Backend::Sqlite,
        }
    }

    pub(crate) fn push(&mut self, fragment: &'static str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends a placeholder for the next parameter.
    pub(crate) fn param(&mut self) -> &mut Self {
        if self.bare {
            self.text.push('?');
        } else {
            self.text.push('$');
            self.text.push_str(&self.next.to_string());
        }
        self.next += 1;
        self
    }

    /// Skips `n` parameters that the fixed head of the statement already numbered.
    pub(crate) fn param_after(&mut self, n: usize) -> &mut Self {
        debug_assert!(!self.bare, "bare placeholders cannot follow numbered ones");
        self.next = n + 1;
        self
    }

    /// Appends `(p, p, ...)` with `count` placeholders.
    pub(crate) fn tuple(&mut self, count: usize) -> &mut Self {
        self.text.push('(');
        for i in 0..count {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.param();
        }
        self.text.push(')');
        self
    }

    /// Appends `count` tuples of `columns` placeholders, comma-separated: the rows of a
    /// multi-row `INSERT ... VALUES`.
    pub(crate) fn rows(&mut self, count: usize, columns: usize) -> &mut Self {
        for i in 0..count {
            if i > 0 {
                self.push(", ");
            }
            self.tuple(columns);
        }
        self
    }

    pub(crate) fn query(self) -> Statement {
        sqlx::query(AssertSqlSafe(self.text))
    }

    /// Appends `LIMIT`/`OFFSET`, binds `binds` then the bounds, and returns one page of rows
    /// mapped by `map`; `next` is the offset of the following page, if there is one.
    pub(crate) async fn fetch_offset_page<T>(
        mut self,
        pool: &AnyPool,
        binds: Vec<String>,
        offset: i64,
        limit: i64,
        map: fn(&AnyRow) -> WharfResult<T>,
    ) -> WharfResult<Page<T>> {
        let limit = limit.clamp(1, 1000);
        let offset = offset.max(0);
        self.push(" LIMIT ").param().push(" OFFSET ").param();
        let mut query = self.query();
        for value in binds {
            query = query.bind(value);
        }
        let rows = query
            .bind(limit + 1)
            .bind(offset)
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        let items = rows
            .iter()
            .take(limit as usize)
            .map(map)
            .collect::<WharfResult<Vec<_>>>()?;
        let next = (rows.len() as i64 > limit).then(|| (offset + limit).to_string());
        Ok(Page { items, next })
    }
}
