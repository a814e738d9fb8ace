//! API errors: the service layer's [`AppError`] rendered as JSON with its code's HTTP status.
//! The codes and their statuses are one table, `aiup_app::Code` (docs/errors.md).

use aiup_app::{AppError, Code};
use aiup_rules::CaseError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// An [`AppError`] on its way out over HTTP.
#[derive(Debug, Clone)]
pub struct ApiError(pub AppError);

impl ApiError {
    pub fn new(code: Code, field: Option<&str>, message: impl Into<String>) -> ApiError {
        ApiError(AppError::new(code, field, message))
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError(AppError::not_found(what))
    }

    /// An internal failure: logged in full, reported without details.
    pub fn internal(error: &dyn std::fmt::Display) -> ApiError {
        ApiError(AppError::internal(error))
    }

    pub fn code(&self) -> Code {
        self.0.code
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        ApiError(e)
    }
}

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> ApiError {
        ApiError(e.into())
    }
}

impl From<aiup_store::StoreError> for ApiError {
    fn from(e: aiup_store::StoreError) -> ApiError {
        ApiError(e.into())
    }
}

impl From<aiup_app::catalogue::CatalogueError> for ApiError {
    fn from(e: aiup_app::catalogue::CatalogueError) -> ApiError {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let unauthenticated = self.0.code == Code::Unauthenticated;
        let mut response = (status, Json(serde_json::json!({ "error": self.0 }))).into_response();
        if unauthenticated {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"aiup\""),
            );
        }
        response
    }
}
