//! Probe: SQLite (rusqlite, bundled, WAL, synchronous=FULL) vs redb (Durability::Immediate):
//! bulk write of N robots, single-robot commit latency at N, and a full read of N robots.
use std::time::Instant;

fn robot_fields(i: u64) -> (String, String, String, String) {
    let name = format!("library+build-{i}");
    let desc = "a robot".to_string();
    let secret = format!("{:064x}", (i as u128) * 0x9e3779b97f4a7c15);
    let salt = format!("{:032}", i);
    (name, desc, secret[..64].to_string(), salt)
}

fn stats(mut v: Vec<f64>) -> String {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let p = |q: f64| v[((v.len() as f64 - 1.0) * q) as usize];
    format!("median {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms", p(0.5), p(0.9), p(0.99), v[v.len() - 1])
}

fn sqlite(dir: &str, n: u64, commits: u64) {
    use rusqlite::{Connection, params};
    let path = format!("{dir}/probe.sqlite");
    for suffix in ["", "-wal", "-shm"] { let _ = std::fs::remove_file(format!("{path}{suffix}")); }
    let mut c = Connection::open(&path).unwrap();
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    c.pragma_update(None, "synchronous", "FULL").unwrap();
    c.execute_batch("CREATE TABLE robot (id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL, secret TEXT, salt TEXT NOT NULL, duration INTEGER NOT NULL, project_id INTEGER NOT NULL, expiresat INTEGER NOT NULL, disabled INTEGER NOT NULL, visible INTEGER NOT NULL, creator_ref INTEGER NOT NULL, creator_type TEXT NOT NULL, creation_time TEXT NOT NULL, update_time TEXT NOT NULL);
    CREATE TABLE role_permission (role_type TEXT NOT NULL, role_id INTEGER NOT NULL, id INTEGER NOT NULL, permission_policy_id INTEGER NOT NULL, PRIMARY KEY (role_type, role_id, id)) WITHOUT ROWID;").unwrap();
    let t = Instant::now();
    {
        let tx = c.transaction().unwrap();
        {
            let mut ins = tx.prepare("INSERT INTO robot VALUES (?1,?2,?3,?4,?5,30,1,1767225600,0,1,1,'local','2025-01-01T00:00:00.000Z','2025-01-01T00:00:00.000Z')").unwrap();
            let mut perm = tx.prepare("INSERT INTO role_permission VALUES ('robotaccount', ?1, ?2, ?3)").unwrap();
            for i in 1..=n {
                let (name, desc, secret, salt) = robot_fields(i);
                ins.execute(params![i as i64, name, desc, secret, salt]).unwrap();
                perm.execute(params![i as i64, (2 * i) as i64, 1]).unwrap();
                perm.execute(params![i as i64, (2 * i + 1) as i64, 2]).unwrap();
            }
        }
        tx.commit().unwrap();
    }
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    println!("sqlite: bulk write {n} robots + {} permissions: {:.2} s, file {} MB", 2 * n, t.elapsed().as_secs_f64(), std::fs::metadata(&path).unwrap().len() / 1_000_000);
    let mut lat = Vec::new();
    for k in 0..commits {
        let i = n + 1 + k;
        let (name, desc, secret, salt) = robot_fields(i);
        let t = Instant::now();
        let tx = c.transaction().unwrap();
        tx.prepare_cached("INSERT INTO robot VALUES (?1,?2,?3,?4,?5,30,1,1767225600,0,1,1,'local','2025-01-01T00:00:00.000Z','2025-01-01T00:00:00.000Z')").unwrap().execute(params![i as i64, name, desc, secret, salt]).unwrap();
        tx.prepare_cached("INSERT INTO role_permission VALUES ('robotaccount', ?1, ?2, ?3)").unwrap().execute(params![i as i64, (2 * i) as i64, 1]).unwrap();
        tx.prepare_cached("INSERT INTO role_permission VALUES ('robotaccount', ?1, ?2, ?3)").unwrap().execute(params![i as i64, (2 * i + 1) as i64, 2]).unwrap();
        tx.commit().unwrap();
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("sqlite: one-robot commit at {n}: {}", stats(lat));
    drop(c);
    let c = Connection::open(&path).unwrap();
    let t = Instant::now();
    let mut count = 0u64;
    let mut bytes = 0usize;
    {
        let mut s = c.prepare("SELECT id, name, description, secret, salt, duration, project_id, expiresat, disabled, visible, creator_ref, creator_type, creation_time, update_time FROM robot ORDER BY id").unwrap();
        let mut rows = s.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let _id: i64 = r.get(0).unwrap();
            for col in [1, 2, 3, 4, 11, 12, 13] { bytes += r.get_ref(col).unwrap().as_str().unwrap().len(); }
            for col in [5, 6, 7, 8, 9, 10] { let _: i64 = r.get(col).unwrap(); }
            count += 1;
        }
        let mut s = c.prepare("SELECT role_id, permission_policy_id FROM role_permission WHERE role_type = 'robotaccount'").unwrap();
        let mut rows = s.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() { let _: i64 = r.get(0).unwrap(); let _: i64 = r.get(1).unwrap(); count += 1; }
    }
    println!("sqlite: read all ({count} rows, {bytes} text bytes): {:.2} s", t.elapsed().as_secs_f64());
}

fn encode(i: u64) -> Vec<u8> {
    let (name, desc, secret, salt) = robot_fields(i);
    let mut v = Vec::with_capacity(256);
    for s in [&name, &desc, &secret, &salt, &"local".to_string(), &"2025-01-01T00:00:00.000Z".to_string(), &"2025-01-01T00:00:00.000Z".to_string()] {
        v.extend_from_slice(&(s.len() as u32).to_le_bytes());
        v.extend_from_slice(s.as_bytes());
    }
    for x in [30i64, 1, 1767225600, 0, 1, 1, 1, 2] { v.extend_from_slice(&x.to_le_bytes()); }
    v
}

fn redb(dir: &str, n: u64, commits: u64) {
    use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
    const ROBOT: TableDefinition<u64, &[u8]> = TableDefinition::new("robot");
    let path = format!("{dir}/probe.redb");
    let _ = std::fs::remove_file(&path);
    let db = Database::create(&path).unwrap();
    let t = Instant::now();
    {
        let tx = db.begin_write().unwrap();
        {
            let mut table = tx.open_table(ROBOT).unwrap();
            for i in 1..=n { table.insert(i, encode(i).as_slice()).unwrap(); }
        }
        tx.commit().unwrap();
    }
    println!("redb: bulk write {n} robots: {:.2} s, file {} MB", t.elapsed().as_secs_f64(), std::fs::metadata(&path).unwrap().len() / 1_000_000);
    let mut lat = Vec::new();
    for k in 0..commits {
        let i = n + 1 + k;
        let t = Instant::now();
        let tx = db.begin_write().unwrap();
        { let mut table = tx.open_table(ROBOT).unwrap(); table.insert(i, encode(i).as_slice()).unwrap(); }
        tx.commit().unwrap();
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("redb: one-robot commit at {n}: {}", stats(lat));
    drop(db);
    let db = Database::open(&path).unwrap();
    let t = Instant::now();
    let tx = db.begin_read().unwrap();
    let table = tx.open_table(ROBOT).unwrap();
    let mut count = 0u64; let mut bytes = 0usize;
    for e in table.iter().unwrap() { let (_k, v) = e.unwrap(); bytes += v.value().len(); count += 1; }
    println!("redb: read all ({count} rows, {bytes} bytes): {:.2} s", t.elapsed().as_secs_f64());
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let dir = &a[1]; let n: u64 = a[2].parse().unwrap(); let commits: u64 = a[3].parse().unwrap();
    match a.get(4).map(String::as_str) { Some("sqlite") => sqlite(dir, n, commits), Some("redb") => redb(dir, n, commits), _ => { sqlite(dir, n, commits); redb(dir, n, commits); } }
}
