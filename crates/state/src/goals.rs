//! Thread goals in `goals_1.sqlite` (`thread_goals`: one goal per thread).

use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, params};

use crate::db::{DbKind, open_db};
use crate::error::StateError;

/// A thread's goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    /// The thread it belongs to.
    pub thread_id: String,
    /// Its own id.
    pub goal_id: String,
    /// What the goal is.
    pub objective: String,
    /// `active`, `paused`, `blocked`, `usage_limited`, `budget_limited` or `complete`.
    pub status: String,
    /// Tokens the goal may use, when limited.
    pub token_budget: Option<i64>,
    /// Tokens used so far.
    pub tokens_used: i64,
    /// Seconds spent so far.
    pub time_used_seconds: i64,
    /// Creation time, Unix milliseconds.
    pub created_at_ms: i64,
    /// Last change, Unix milliseconds.
    pub updated_at_ms: i64,
}

/// An open goals database.
#[derive(Debug)]
pub struct GoalStore {
    conn: rusqlite::Connection,
    path: PathBuf,
}

impl GoalStore {
    /// Opens (creating or verifying) `goals_1.sqlite` in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StateError> {
        Ok(Self {
            conn: open_db(dir, DbKind::Goals)?,
            path: dir.join(DbKind::Goals.file_name()),
        })
    }

    fn error(&self, source: rusqlite::Error) -> StateError {
        StateError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// The goal of `thread_id`, if it has one.
    pub fn get(&self, thread_id: &str) -> Result<Option<Goal>, StateError> {
        self.conn
            .query_row(
                "SELECT thread_id, goal_id, objective, status, token_budget, tokens_used, \
                 time_used_seconds, created_at_ms, updated_at_ms FROM thread_goals WHERE thread_id = ?1",
                params![thread_id],
                |r| {
                    Ok(Goal {
                        thread_id: r.get(0)?,
                        goal_id: r.get(1)?,
                        objective: r.get(2)?,
                        status: r.get(3)?,
                        token_budget: r.get(4)?,
                        tokens_used: r.get(5)?,
                        time_used_seconds: r.get(6)?,
                        created_at_ms: r.get(7)?,
                        updated_at_ms: r.get(8)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.error(e))
    }

    /// Writes `goal` as its thread's goal (replacing any previous one).
    pub fn put(&self, goal: &Goal) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT INTO thread_goals (thread_id, goal_id, objective, status, token_budget, tokens_used, \
                 time_used_seconds, created_at_ms, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                 ON CONFLICT(thread_id) DO UPDATE SET goal_id = excluded.goal_id, objective = excluded.objective, \
                 status = excluded.status, token_budget = excluded.token_budget, tokens_used = excluded.tokens_used, \
                 time_used_seconds = excluded.time_used_seconds, created_at_ms = excluded.created_at_ms, \
                 updated_at_ms = excluded.updated_at_ms",
                params![
                    goal.thread_id,
                    goal.goal_id,
                    goal.objective,
                    goal.status,
                    goal.token_budget,
                    goal.tokens_used,
                    goal.time_used_seconds,
                    goal.created_at_ms,
                    goal.updated_at_ms,
                ],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_goal_is_stored_read_back_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let store = GoalStore::open(dir.path()).unwrap();
        assert_eq!(store.get("t").unwrap(), None);
        let mut goal = Goal {
            thread_id: "t".into(),
            goal_id: "g".into(),
            objective: "Ship".into(),
            status: "active".into(),
            token_budget: Some(1000),
            tokens_used: 0,
            time_used_seconds: 0,
            created_at_ms: 1,
            updated_at_ms: 1,
        };
        store.put(&goal).unwrap();
        assert_eq!(store.get("t").unwrap().as_ref(), Some(&goal));
        goal.status = "complete".into();
        goal.tokens_used = 110;
        store.put(&goal).unwrap();
        let reopened = GoalStore::open(dir.path()).unwrap();
        assert_eq!(reopened.get("t").unwrap(), Some(goal));
        // The schema's CHECK keeps unknown statuses out.
        let mut bad = reopened.get("t").unwrap().unwrap();
        bad.status = "done".into();
        assert!(reopened.put(&bad).is_err());
    }
}
