//! Building statements whose number of parameters depends on the input.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{AnyPool, AssertSqlSafe};
use wharf_model::{Page, WharfResult};

use crate::db_err;

/// Parameters bound to one statement at most. SQLite finds each parameter by walking the
/// statement's list of names, so binding n of them costs n²: past a few hundred, binding
/// costs more than the round trips it saves (3,000 made a batch of samples ten times slower).
const PARAMS_PER_STATEMENT: usize = 256;

/// Rows of `columns` parameters each per multi-row statement (or ids per `IN (...)` list).
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (PARAMS_PER_STATEMENT / columns.max(1)).max(1)
}

/// A statement whose text is made of fixed fragments and `$n` placeholders only, so it is
/// safe to run even though it is built at run time.
pub(crate) struct DynamicSql {
    text: String,
    next: usize,
}

impl DynamicSql {
    pub(crate) fn new(head: &'static str) -> Self {
        Self {
            text: head.to_owned(),
            next: 1,
        }
    }

    pub(crate) fn push(&mut self, fragment: &'static str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends a placeholder for the next parameter.
    pub(crate) fn param(&mut self) -> &mut Self {
        self.text.push('$');
        self.text.push_str(&self.next.to_string());
        self.next += 1;
        self
    }

    /// Skips `n` parameters that the fixed head of the statement already numbered.
    pub(crate) fn param_after(&mut self, n: usize) -> &mut Self {
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

    pub(crate) fn query<'q>(self) -> sqlx::query::Query<'q, sqlx::Any, AnyArguments> {
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
