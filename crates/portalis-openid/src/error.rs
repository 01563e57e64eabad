use thiserror::Error;

/// Why a token was refused.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("algorithm {0:?} is not allowed (ES256 and RS256 only)")]
    AlgorithmNotAllowed(String),
    #[error("no key of the provider matches the token")]
    UnknownKey,
    #[error("the signature does not verify")]
    BadSignature,
    #[error("wrong issuer")]
    WrongIssuer,
    #[error("wrong audience")]
    WrongAudience,
    #[error("expired")]
    Expired,
    #[error("issued in the future")]
    IssuedInFuture,
    #[error("not valid yet")]
    NotYetValid,
    #[error("the nonce does not match")]
    WrongNonce,
    #[error("an authentication level not accepted")]
    InsufficientAcr,
    #[error("claim {0} is missing")]
    MissingClaim(&'static str),
    #[error("the answer is not a signed JWT")]
    NotSigned,
}

/// Why a login failed. `reason()` is a stable word for the audit log; the
/// message never carries a token or a code.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum LoginError {
    #[error("the provider answered {error}")]
    Provider { error: String, description: Option<String> },
    #[error("the callback's state is missing")]
    MissingState,
    #[error("the callback's state does not match the login attempt")]
    StateMismatch,
    #[error("the callback has no code")]
    MissingCode,
    #[error("the provider cannot be reached or answered badly: {0}")]
    Unavailable(String),
    #[error("the provider does not offer PKCE with S256")]
    PkceUnsupported,
    #[error("the token endpoint refused the code: {0}")]
    TokenRefused(String),
    #[error("the ID token is refused: {0}")]
    IdToken(TokenError),
    #[error("the UserInfo answer is refused: {0}")]
    UserInfo(TokenError),
    #[error("the UserInfo subject differs from the ID token's")]
    SubjectMismatch,
}

impl LoginError {
    pub fn reason(&self) -> String {
        match self {
            LoginError::Provider { error, .. } => format!(
                "provider_error:{}",
                error.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(40).collect::<String>()
            ),
            LoginError::MissingState => "missing_state".into(),
            LoginError::StateMismatch => "state_mismatch".into(),
            LoginError::MissingCode => "missing_code".into(),
            LoginError::Unavailable(_) => "provider_unavailable".into(),
            LoginError::PkceUnsupported => "pkce_unsupported".into(),
            LoginError::TokenRefused(_) => "code_refused".into(),
            LoginError::IdToken(e) => format!("id_token:{}", token_reason(e)),
            LoginError::UserInfo(e) => format!("userinfo:{}", token_reason(e)),
            LoginError::SubjectMismatch => "userinfo:subject_mismatch".into(),
        }
    }
}

fn token_reason(e: &TokenError) -> &'static str {
    match e {
        TokenError::Malformed => "malformed",
        TokenError::AlgorithmNotAllowed(_) => "algorithm_not_allowed",
        TokenError::UnknownKey => "unknown_key",
        TokenError::BadSignature => "bad_signature",
        TokenError::WrongIssuer => "wrong_issuer",
        TokenError::WrongAudience => "wrong_audience",
        TokenError::Expired => "expired",
        TokenError::IssuedInFuture => "issued_in_future",
        TokenError::NotYetValid => "not_yet_valid",
        TokenError::WrongNonce => "wrong_nonce",
        TokenError::InsufficientAcr => "insufficient_acr",
        TokenError::MissingClaim(_) => "missing_claim",
        TokenError::NotSigned => "not_signed",
    }
}
