use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use parking_lot::Mutex;

use super::*;
use crate::store::durability::Durability;
use crate::store::testing::{NOW_MS, project_robot, store};
use crate::store::{NewProject, Store, UserProfile};

/// A sink that records every submission and makes it durable at once, or only when told.
struct Recorder {
    durability: Arc<Durability>,
    submitted: Mutex<Vec<Vec<Change>>>,
    commit_at_once: bool,
    /// Told of each submission.
    seen: Mutex<Option<mpsc::Sender<u64>>>,
}

impl Recorder {
    fn new(commit_at_once: bool) -> Arc<Recorder> {
        Arc::new(Recorder {
            durability: Durability::new(),
            submitted: Mutex::new(Vec::new()),
            commit_at_once,
            seen: Mutex::new(None),
        })
    }

    fn attach(self: &Arc<Self>, store: &Store) {
        store.set_change_sink(Some(self.clone()));
    }

    fn take(&self) -> Vec<Vec<Change>> {
        std::mem::take(&mut self.submitted.lock())
    }
}

impl ChangeSink for Recorder {
    fn submit(&self, changes: Vec<Change>) -> Ticket {
        let mut submitted = self.submitted.lock();
        submitted.push(changes);
        let seq = submitted.len() as u64;
        if self.commit_at_once {
            self.durability.advance(seq);
        }
        if let Some(seen) = self.seen.lock().as_ref() {
            let _ = seen.send(seq);
        }
        self.durability.ticket(seq)
    }
}

fn sequences(changes: &[Change]) -> Option<Sequences> {
    changes.iter().find_map(|c| match c {
        Change::Sequences(s) => Some(*s),
        _ => None,
    })
}

#[test]
fn a_robot_create_hands_on_that_robot_and_the_sequence_only() {
    let store = store();
    let sink = Recorder::new(true);
    sink.attach(&store);
    let created = store.create_robot(project_robot("ci"), NOW_MS).unwrap();
    let submitted = sink.take();
    assert_eq!(submitted.len(), 1);
    let record = store.robot(created.id).unwrap();
    assert_eq!(
        submitted[0],
        vec![
            Change::Robot(record),
            Change::Sequences(Sequences {
                robot: created.id + 1,
                ..sequences(&submitted[0]).unwrap()
            })
        ]
    );
}

#[test]
fn a_write_that_changes_nothing_hands_on_nothing() {
    let store = store();
    let sink = Recorder::new(true);
    sink.attach(&store);
    assert!(store.delete_robot(99).is_err());
    store.set_member_role(1, 99, 2).unwrap();
    assert!(sink.take().is_empty());
}

#[test]
fn a_failed_create_hands_on_the_id_it_used_up() {
    let store = store();
    store.create_robot(project_robot("ci"), NOW_MS).unwrap();
    let sink = Recorder::new(true);
    sink.attach(&store);
    store.create_robot(project_robot("ci"), NOW_MS).unwrap_err();
    let submitted = sink.take();
    assert_eq!(submitted.len(), 1);
    assert!(matches!(submitted[0].as_slice(), [Change::Sequences(s)] if s.robot == 3));
}

#[test]
fn deleting_a_project_hands_on_its_robots_and_members_deleted() {
    let store = store();
    let project = store
        .create_project(NewProject {
            id: None,
            name: "team".into(),
            owner_id: 1,
            metadata: [("public".to_string(), "false".to_string())].into(),
            storage_limit: -1,
            creation_time: NOW_MS,
            update_time: NOW_MS,
            owner_is_member: true,
        })
        .unwrap();
    let mut robot = project_robot("ci");
    robot.project = Some(store.project_by_name("team").unwrap());
    robot.permissions[0].namespace = "team".into();
    let robot = store.create_robot(robot, NOW_MS).unwrap();
    let sink = Recorder::new(true);
    sink.attach(&store);
    store.delete_project(project).unwrap();
    let submitted = sink.take();
    assert_eq!(submitted.len(), 1);
    assert_eq!(
        submitted[0],
        vec![
            Change::ProjectDeleted(project),
            Change::MemberDeleted(1),
            Change::RobotDeleted(robot.id),
        ]
    );
}

#[test]
fn user_and_configuration_changes_hand_on_their_rows() {
    let store = store();
    let sink = Recorder::new(true);
    sink.attach(&store);
    let profile = UserProfile {
        username: "dev".into(),
        email: "dev@example.com".into(),
        ..UserProfile::default()
    };
    let id = store.create_user(profile, "Dev12345", NOW_MS).unwrap();
    store
        .update_configurations(|c, _| {
            let changes = [(
                "robot_name_prefix",
                crate::harbor::configurations::ConfigValue::Str("bot$".into()),
            )];
            c.update(changes.into(), false)
        })
        .unwrap();
    let submitted = sink.take();
    assert!(matches!(&submitted[0][0], Change::User(u) if u.id == id && u.username == "dev"));
    assert_eq!(
        submitted[1],
        vec![Change::Configurations(
            [("robot_name_prefix".to_string(), "bot$".into())].into()
        )]
    );
}

#[test]
fn a_reset_hands_on_the_whole_state() {
    let store = store();
    store.create_robot(project_robot("ci"), NOW_MS).unwrap();
    let sink = Recorder::new(true);
    sink.attach(&store);
    store.reset();
    let submitted = sink.take();
    assert_eq!(
        submitted,
        vec![vec![Change::Replaced(Box::new(store.rows()))]]
    );
    assert!(store.rows().robots.is_empty());
}

#[test]
fn rows_restore_the_same_state() {
    let original = store();
    let created = original.create_robot(project_robot("ci"), NOW_MS).unwrap();
    let rows = original.rows();
    let restored = store();
    restored.restore(rows.clone()).unwrap();
    assert_eq!(restored.rows(), rows);
    assert_eq!(restored.dump(), original.dump());
    assert!(matches!(
        restored.authenticate("robot$library+ci", &created.secret, NOW_MS),
        crate::harbor::auth::Caller::Robot { .. }
    ));
    // Sequences come back as they were, not from the highest ids.
    assert_eq!(restored.rows().sequences, original.rows().sequences);
}

#[test]
fn rows_with_a_duplicate_name_are_refused() {
    let store = store();
    store.create_robot(project_robot("ci"), NOW_MS).unwrap();
    let mut rows = store.rows();
    let mut twin = rows.robots[0].clone();
    twin.id += 1;
    rows.robots.push(twin);
    let err = store.restore(rows).unwrap_err();
    assert_eq!(err.section, "robots");
    assert_eq!(store.robot_count(), 1, "nothing changed");
}

#[test]
fn reads_go_on_while_a_write_waits_for_its_state_store() {
    // Arrange: a sink that commits only when told.
    let store = Arc::new(store());
    let sink = Recorder::new(false);
    let (seen, submitted) = mpsc::channel();
    *sink.seen.lock() = Some(seen);
    sink.attach(&store);
    // Act: a write outside any request blocks until durable...
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || store.create_robot(project_robot("ci"), NOW_MS))
    };
    let seq = submitted.recv_timeout(Duration::from_secs(10)).unwrap();
    // Assert: ...while the store, its lock released, serves reads and other writes.
    assert_eq!(store.robot_count(), 1);
    assert!(store.robot_json(1).is_ok());
    assert!(!writer.is_finished(), "acknowledged before durable");
    sink.durability.advance(seq);
    assert!(writer.join().unwrap().is_ok());
}
