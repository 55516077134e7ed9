use super::*;
use crate::harbor::auth::Caller;
use crate::store::StoreError;
use crate::store::testing::{NOW_MS, project_robot, store};
use crate::wire::Access;

#[test]
fn create_stores_prefixed_name_expiry_and_merged_permissions() {
    let store = store();
    let created = store.create_robot(project_robot("ci"), NOW_MS).unwrap();
    assert_eq!(created.name, "robot$library+ci");
    assert_eq!(created.expires_at, 1_787_292_000 + 30 * 86_400);
    let record = store.robot(created.id).unwrap();
    assert_eq!(record.name, "library+ci");
    assert_eq!(record.policies.len(), 1);
    assert_eq!(
        record.policies[0].access.len(),
        1,
        "identical accesses collapse"
    );
    assert!(matches!(
        store.authenticate("robot$library+ci", &created.secret, NOW_MS),
        Caller::Robot { .. }
    ));
}

#[test]
fn duplicate_uses_up_an_id_and_changes_nothing() {
    let store = store();
    let first = store.create_robot(project_robot("ci"), NOW_MS).unwrap();
    let err = store.create_robot(project_robot("ci"), NOW_MS).unwrap_err();
    assert_eq!(err.to_string(), "robot account 1:library+ci already exists");
    assert_eq!(store.robot_count(), 1);
    let next = store.create_robot(project_robot("cd"), NOW_MS).unwrap();
    assert_eq!(next.id, first.id + 2);
}

#[test]
fn failed_scope_resolution_rolls_back() {
    let store = store();
    let mut new = project_robot("ci");
    new.permissions.push(Permission {
        kind: "project".into(),
        namespace: "missing".into(),
        access: vec![Access::new("repository", "pull")],
    });
    assert_eq!(
        store.create_robot(new, NOW_MS).unwrap_err(),
        StoreError::ProjectNotFound("missing".into())
    );
    assert_eq!(store.robot_count(), 0);
}

#[test]
fn update_counts_a_changed_duration_from_creation() {
    let store = store();
    let created = store.create_robot(project_robot("ci"), NOW_MS).unwrap();
    let later = NOW_MS + 40 * 86_400_000;
    let update = RobotUpdate {
        description: "d".into(),
        disabled: false,
        duration: 30,
        permissions: project_robot("x").permissions,
    };
    store
        .update_robot(created.id, update.clone(), later)
        .unwrap();
    assert_eq!(
        store.robot(created.id).unwrap().expires_at,
        created.expires_at
    );
    store
        .update_robot(
            created.id,
            RobotUpdate {
                duration: 10,
                ..update
            },
            later,
        )
        .unwrap();
    let record = store.robot(created.id).unwrap();
    assert_eq!(record.expires_at, 1_787_292_000 + 10 * 86_400);
    assert!(record.is_expired(later.div_euclid(1000)));
}

#[test]
fn refresh_replaces_the_secret_and_keeps_the_salt() {
    let store = store();
    let created = store.create_robot(project_robot("ci"), NOW_MS).unwrap();
    let salt = store.robot(created.id).unwrap().salt;
    let new = store
        .refresh_secret(created.id, None, NOW_MS)
        .unwrap()
        .unwrap();
    assert_eq!(store.robot(created.id).unwrap().salt, salt);
    assert_eq!(
        store.authenticate("robot$library+ci", &created.secret, NOW_MS),
        Caller::Anonymous
    );
    assert!(matches!(
        store.authenticate("robot$library+ci", &new, NOW_MS),
        Caller::Robot { .. }
    ));
    assert_eq!(
        store
            .refresh_secret(created.id, Some("Own-secret-1".into()), NOW_MS)
            .unwrap(),
        None
    );
}
