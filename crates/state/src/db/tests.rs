use super::*;

/// `type name sql` of every schema object, sorted, as the parity harness compares them.
fn schema_summary(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok(format!(
            "{} {} {}",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?.unwrap_or_default()
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The same summary built from the reference's schema dump in the golden folder.
fn reference_summary(kind: DbKind) -> Vec<String> {
    let name = kind.file_name().trim_end_matches(".sqlite");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.schema.sql"));
    let text = std::fs::read_to_string(path).unwrap();
    let conn = Connection::open_in_memory().unwrap();
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    // sqlite_sequence is created by SQLite itself and cannot be created by hand.
    let body = body.replace("CREATE TABLE sqlite_sequence(name,seq);", "");
    conn.execute_batch(&body).unwrap();
    schema_summary(&conn)
}

#[test]
fn new_databases_have_the_reference_schema_and_migrations() {
    let dir = tempfile::tempdir().unwrap();
    for kind in DbKind::ALL {
        let conn = open_db(dir.path(), kind).unwrap();
        assert_eq!(schema_summary(&conn), reference_summary(kind), "{kind:?}");
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let rows: Vec<(i64, String)> = conn
            .prepare("SELECT version, description FROM _sqlx_migrations ORDER BY version")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let expected: Vec<(i64, String)> = kind
            .migrations()
            .iter()
            .map(|m| (m.version, m.description.clone()))
            .collect();
        assert_eq!(rows, expected);
        assert!(!expected.is_empty());
    }
}

#[test]
fn reopening_verifies_instead_of_recreating() {
    let dir = tempfile::tempdir().unwrap();
    let conn = open_db(dir.path(), DbKind::Goals).unwrap();
    conn.execute(
        "INSERT INTO thread_goals (thread_id, goal_id, objective, status, created_at_ms, updated_at_ms) VALUES ('t', 'g', 'o', 'active', 1, 1)",
        [],
    )
    .unwrap();
    drop(conn);
    let conn = open_db(dir.path(), DbKind::Goals).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM thread_goals", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn foreign_or_older_databases_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let conn = open_db(dir.path(), DbKind::Memories).unwrap();
    conn.execute("UPDATE _sqlx_migrations SET checksum = x'00'", [])
        .unwrap();
    drop(conn);
    let err = open_db(dir.path(), DbKind::Memories)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("memories_1.sqlite") && err.contains("unexpected checksum"),
        "{err}"
    );

    let conn = open_db(dir.path(), DbKind::Logs).unwrap();
    conn.execute("DELETE FROM _sqlx_migrations WHERE version = 2", [])
        .unwrap();
    drop(conn);
    let err = open_db(dir.path(), DbKind::Logs).unwrap_err().to_string();
    assert!(err.contains("missing migration 2"), "{err}");
}

#[test]
fn sqlite_home_prefers_the_environment_value() {
    assert_eq!(
        sqlite_home(Path::new("/h"), Some("/s")),
        PathBuf::from("/s")
    );
    assert_eq!(sqlite_home(Path::new("/h"), Some("")), PathBuf::from("/h"));
    assert_eq!(sqlite_home(Path::new("/h"), None), PathBuf::from("/h"));
}

#[test]
fn migration_lists_parse() {
    for kind in DbKind::ALL {
        assert!(!kind.migrations().is_empty(), "{kind:?}");
        for m in kind.migrations() {
            assert_eq!(m.checksum.len(), 96, "SHA-384 hex");
        }
    }
}

/// Writes all four databases into `$RECODEX_STATE_DIR`, for checking by hand that the
/// reference binary opens them (see the state crate's notes in ARCHITECTURE.md).
#[test]
#[ignore = "manual cross-binary check"]
fn write_databases_for_the_reference() {
    let dir = std::env::var("RECODEX_STATE_DIR").expect("set RECODEX_STATE_DIR");
    for kind in DbKind::ALL {
        open_db(Path::new(&dir), kind).unwrap();
    }
}
