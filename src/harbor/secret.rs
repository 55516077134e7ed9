//! Robot secrets: generation, the client-supplied secret rule, salted hashing and comparison.
//!
//! Harbor stores PBKDF2-HMAC-SHA256 (4096 rounds) of the secret. The mock stores a salted
//! SHA-256 instead: generated secrets are 190-bit random tokens, so a slow KDF buys nothing and
//! would make every robot-authenticated request pay thousands of hash rounds.

use rand::distr::Alphanumeric;
use rand::{Rng, RngExt};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Length of generated secrets and salts, as in Harbor.
pub const SECRET_LEN: usize = 32;

/// A random `[A-Za-z0-9]{32}` string with at least one lower, one upper and one digit
/// (Harbor draws again until the rule holds).
pub fn generate_secret<R: Rng + ?Sized>(rng: &mut R) -> String {
    loop {
        let candidate = random_alnum(rng, SECRET_LEN);
        if is_valid_secret(&candidate) {
            return candidate;
        }
    }
}

/// A random `[A-Za-z0-9]{32}` salt.
pub fn generate_salt<R: Rng + ?Sized>(rng: &mut R) -> String {
    random_alnum(rng, SECRET_LEN)
}

fn random_alnum<R: Rng + ?Sized>(rng: &mut R, len: usize) -> String {
    (0..len)
        .map(|_| char::from(rng.sample(Alphanumeric)))
        .collect()
}

/// Harbor's `IsValidSec`: 8..=128 bytes with at least one `[a-z]`, `[A-Z]` and ASCII digit.
pub fn is_valid_secret(secret: &str) -> bool {
    let bytes = secret.as_bytes();
    (8..=128).contains(&bytes.len())
        && bytes.iter().any(u8::is_ascii_lowercase)
        && bytes.iter().any(u8::is_ascii_uppercase)
        && bytes.iter().any(u8::is_ascii_digit)
}

/// SHA-256 over salt then secret.
pub fn hash_secret(salt: &str, secret: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update(secret.as_bytes());
    hasher.finalize().into()
}

/// Constant-time check of `secret` against a stored digest.
pub fn verify_secret(salt: &str, secret: &str, digest: &[u8; 32]) -> bool {
    hash_secret(salt, secret).ct_eq(digest).into()
}

/// Lower-case hex, the form digests take in fixtures and state dumps.
pub fn to_hex(digest: &[u8; 32]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Parses 64 hex digits back into a digest.
pub fn from_hex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let nibble = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        // As `u8::from_str_radix` on the pair, which also takes a leading `+`.
        let high = match bytes[2 * i] {
            b'+' => 0,
            c => nibble(c)?,
        };
        *byte = high << 4 | nibble(bytes[2 * i + 1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn generated_secrets_follow_harbor_rules() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..500 {
            let s = generate_secret(&mut rng);
            assert_eq!(s.len(), 32);
            assert!(s.bytes().all(|b| b.is_ascii_alphanumeric()), "{s}");
            assert!(is_valid_secret(&s), "{s}");
        }
    }

    #[test]
    fn client_secret_rule_table() {
        let cases = [
            ("Abcdefg1", true, "8 bytes, all classes"),
            ("Abcdef1", false, "7 bytes"),
            ("abcdefg1", false, "no upper case"),
            ("ABCDEFG1", false, "no lower case"),
            ("Abcdefgh", false, "no digit"),
            ("Ab1 !@#$%", true, "symbols and spaces are allowed"),
            ("Ab1ééééé", true, "non-ASCII counts in bytes"),
        ];
        for (input, valid, why) in cases {
            assert_eq!(is_valid_secret(input), valid, "{why}: {input:?}");
        }
        let long = format!("Ab1{}", "x".repeat(125));
        assert!(is_valid_secret(&long), "128 bytes");
        assert!(!is_valid_secret(&format!("{long}x")), "129 bytes");
    }

    #[test]
    fn hashing_is_salted_and_verifiable() {
        let d = hash_secret("salt1", "Secret123");
        assert_ne!(d, hash_secret("salt2", "Secret123"));
        assert!(verify_secret("salt1", "Secret123", &d));
        assert!(!verify_secret("salt1", "Secret124", &d));
        assert_eq!(from_hex(&to_hex(&d)), Some(d));
        assert_eq!(
            to_hex(&hash_secret("", "")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(from_hex("zz"), None);
        let mut odd = "0F".repeat(32);
        odd.replace_range(0..2, "+a");
        assert_eq!(from_hex(&odd).map(|d| (d[0], d[1])), Some((0x0a, 0x0f)));
        assert_eq!(from_hex(&"g0".repeat(32)), None);
    }
}
