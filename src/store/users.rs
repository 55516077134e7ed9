//! Users: login, lookups, creation and deletion (`harbor_user`).

use super::error::StoreError;
use super::postgres;
use super::records::UserRecord;
use super::tables::{Sequences, Tables};
use crate::datetime::MS_PER_SEC;
use crate::harbor::auth::Caller;
use crate::harbor::secret;
use crate::wire::UserProfileReq;

/// What `POST /users` gives of a new user besides the password.
#[derive(Clone, Debug, Default)]
pub struct UserProfile {
    /// The login name.
    pub username: String,
    /// The email.
    pub email: String,
    /// The full name.
    pub realname: String,
    /// Free text.
    pub comment: String,
}

impl UserProfile {
    /// A new (non-admin) user with this profile and `password`, hashed with `salt`.
    pub(super) fn into_new(self, password: &str, salt: String, now_ms: i64) -> NewUser {
        NewUser {
            id: None,
            username: self.username,
            email: self.email,
            realname: self.realname,
            comment: self.comment,
            password: Password::Plain {
                password: password.to_string(),
                salt,
            },
            sysadmin: false,
            creation_time: now_ms,
        }
    }
}

/// A user to create, through the API or from fixtures.
#[derive(Clone, Debug)]
pub(super) struct NewUser {
    /// A fixed id (fixtures); `None` takes the next of the sequence.
    pub(super) id: Option<i64>,
    /// The login name.
    pub(super) username: String,
    /// May be empty (fixtures).
    pub(super) email: String,
    /// The full name.
    pub(super) realname: String,
    /// Free text.
    pub(super) comment: String,
    /// The password.
    pub(super) password: Password,
    /// The admin flag.
    pub(super) sysadmin: bool,
    /// Unix milliseconds.
    pub(super) creation_time: i64,
}

/// A password in clear (hashed when stored) or already hashed.
#[derive(Clone, Debug)]
pub(super) enum Password {
    /// In clear, with the salt to hash it with.
    Plain {
        /// The password.
        password: String,
        /// Its salt.
        salt: String,
    },
    /// Salted SHA-256 and its salt.
    Hashed {
        /// The digest.
        hash: [u8; 32],
        /// Its salt.
        salt: String,
    },
}

impl Tables {
    /// Resolves basic-auth credentials at `now_ms`. A name with the robot prefix is tried as a
    /// robot first (right secret, enabled, not expired), then the name as a user's name or
    /// email (Harbor's `username_or_email`). Any failure makes the caller anonymous, as in
    /// Harbor: nothing says why.
    pub(super) fn authenticate(&self, username: &str, password: &str, now_ms: i64) -> Caller {
        let now_secs = now_ms.div_euclid(MS_PER_SEC);
        if let Some(stored) = username.strip_prefix(self.configurations.robot_name_prefix())
            && let Some(robot) = self
                .robot_names
                .get(stored)
                .and_then(|id| self.robots.get(id))
            && let Some(digest) = &robot.secret_hash
            && secret::verify_secret(&robot.salt, password, digest)
            && !robot.disabled
            && !robot.is_expired(now_secs)
        {
            return Caller::Robot {
                id: robot.id,
                name: username.to_string(),
                project_id: robot.project_id,
                policies: robot.policies.clone(),
            };
        }
        let user = self
            .user_names
            .get(username)
            .or_else(|| self.user_emails.get(username))
            .and_then(|id| self.users.get(id));
        match user {
            Some(user) if secret::verify_secret(&user.salt, password, &user.password_hash) => {
                Caller::User {
                    id: user.id,
                    username: user.username.clone(),
                    sysadmin: user.sysadmin,
                }
            }
            _ => Caller::Anonymous,
        }
    }

    /// The user `id`: 404 `user <id> not found` when there is none.
    pub(super) fn user(&self, id: i64) -> Result<&UserRecord, StoreError> {
        postgres::int4("harbor_user.user_id", id)?;
        self.users.get(&id).ok_or(StoreError::UserNotFound(id))
    }

    /// The user named exactly `username`.
    pub(super) fn user_by_name(&self, username: &str) -> Option<&UserRecord> {
        self.user_names
            .get(username)
            .and_then(|id| self.users.get(id))
    }

    /// Creates a user; 409 when the name or a non-empty email is taken, which uses up an id
    /// as Harbor's failed insert uses up a sequence value. Returns the id.
    pub(super) fn create_user(&mut self, new: NewUser) -> Result<i64, StoreError> {
        let taken = self.user_names.contains_key(&new.username)
            || (!new.email.is_empty() && self.user_emails.contains_key(&new.email));
        if taken {
            if new.id.is_none() {
                Sequences::take(&mut self.next.user);
            }
            return Err(StoreError::UserConflict {
                username: new.username,
                email: new.email,
            });
        }
        // Lengths were checked in bytes by Harbor's handler; the columns still refuse NUL.
        for (column, value) in [
            ("harbor_user.username", &new.username),
            ("harbor_user.email", &new.email),
            ("harbor_user.realname", &new.realname),
            ("harbor_user.comment", &new.comment),
        ] {
            postgres::text(column, value)?;
        }
        let id = match new.id {
            Some(id) if id <= 0 || self.users.contains_key(&id) => {
                return Err(StoreError::Invalid(format!(
                    "user id {id} is not positive or already used"
                )));
            }
            Some(id) => {
                self.next.user = self.next.user.max(id + 1);
                id
            }
            None => Sequences::take(&mut self.next.user),
        };
        let (password_hash, salt) = match new.password {
            Password::Plain { password, salt } => (secret::hash_secret(&salt, &password), salt),
            Password::Hashed { hash, salt } => (hash, salt),
        };
        self.user_names.insert(new.username.clone(), id);
        if !new.email.is_empty() {
            self.user_emails.insert(new.email.clone(), id);
        }
        let user = UserRecord {
            id,
            username: new.username,
            email: new.email,
            realname: new.realname,
            comment: new.comment,
            salt,
            password_hash,
            sysadmin: new.sysadmin,
            creation_time: new.creation_time,
            update_time: new.creation_time,
        };
        self.users.insert(id, user);
        self.touched.user(id);
        Ok(id)
    }

    /// Deletes user `id` and their memberships; the projects they own stay (without an
    /// owner name). The id is never handed out again.
    pub(super) fn delete_user(&mut self, id: i64) -> Result<(), StoreError> {
        postgres::int4("harbor_user.user_id", id)?;
        let user = self.users.remove(&id).ok_or(StoreError::UserNotFound(id))?;
        self.user_names.remove(user.username.clone());
        self.user_emails.remove(user.email.clone());
        self.touched.user(id);
        let memberships: Vec<i64> = self
            .members
            .values()
            .filter(|m| m.user_id == id)
            .map(|m| m.id)
            .collect();
        for member in memberships {
            self.remove_member(member);
        }
        Ok(())
    }

    /// Replaces a user's email, real name and comment at `now_ms`: 404 `user with id <id> not
    /// found`; another user's email is a unique-key violation Harbor answers with a 500.
    pub(super) fn update_profile(
        &mut self,
        id: i64,
        profile: UserProfileReq,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        postgres::int4("harbor_user.user_id", id)?;
        let user = self.users.get(&id).ok_or(StoreError::UserRowNotFound(id))?;
        // `UserProfile` has no `maxLength`: the column decides.
        let email = postgres::varchar("harbor_user.email", postgres::USER_EMAIL, &profile.email)?;
        postgres::text("harbor_user.realname", &profile.realname)?;
        postgres::text("harbor_user.comment", &profile.comment)?;
        if let Some(other) = self.user_emails.get(&email)
            && *other != id
        {
            return Err(StoreError::UniqueViolation("harbor_user_email_key"));
        }
        let old_email = user.email.clone();
        self.user_emails.remove(old_email);
        if !email.is_empty() {
            self.user_emails.insert(email.clone(), id);
        }
        let user = self
            .users
            .get_mut(&id)
            .ok_or(StoreError::UserNotFound(id))?;
        user.email = email;
        user.realname = profile.realname;
        user.comment = profile.comment;
        user.update_time = now_ms;
        self.touched.user(id);
        Ok(())
    }

    /// User `id`'s row, for an update: Harbor's `dao.Update` finds no row for a missing id
    /// (404 `user with id <id> not found`) and the driver cannot send one beyond `int4`.
    fn user_row(&mut self, id: i64) -> Result<&mut UserRecord, StoreError> {
        postgres::int4("harbor_user.user_id", id)?;
        self.users
            .get_mut(&id)
            .ok_or(StoreError::UserRowNotFound(id))
    }

    /// Replaces a user's password and salt at `now_ms`.
    pub(super) fn update_password(
        &mut self,
        id: i64,
        password: &str,
        salt: String,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let user = self.user_row(id)?;
        user.password_hash = secret::hash_secret(&salt, password);
        user.salt = salt;
        user.update_time = now_ms;
        self.touched.user(id);
        Ok(())
    }

    /// Sets or clears a user's admin flag at `now_ms`.
    pub(super) fn set_sysadmin(
        &mut self,
        id: i64,
        sysadmin: bool,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let user = self.user_row(id)?;
        user.sysadmin = sysadmin;
        user.update_time = now_ms;
        self.touched.user(id);
        Ok(())
    }

    /// The lowest-id sysadmin, who owns the projects robots create.
    pub(super) fn first_sysadmin(&self) -> Option<i64> {
        self.users.values().find(|u| u.sysadmin).map(|u| u.id)
    }

    /// Whether a user other than user 1 (`admin`) exists: Harbor then fixes the auth mode.
    pub(super) fn has_users_besides_admin(&self) -> bool {
        self.users.keys().any(|id| *id != 1)
    }
}
