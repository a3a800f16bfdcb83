//! The constants the conformance suite's reference fixture uses.

/// A 1×1 red PNG, base64.
pub(crate) const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

/// A minimal WAV file, base64.
pub(crate) const WAV: &str = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

/// `test_simple_text`'s answer.
pub(crate) const SIMPLE_TEXT: &str = "This is a simple text response for testing.";

/// `test_error_handling`'s error message.
pub(crate) const ERROR_TEXT: &str = "This tool intentionally returns an error for testing";

/// The resource embedded by `test_embedded_resource`.
pub(crate) const EMBEDDED_URI: &str = "test://embedded-resource";
/// Its text.
pub(crate) const EMBEDDED_TEXT: &str = "This is an embedded resource content.";

/// The resource embedded by `test_multiple_content_types`.
pub(crate) const MIXED_URI: &str = "test://mixed-content-resource";
/// Its JSON text.
pub(crate) const MIXED_JSON: &str = r#"{"test":"data","value":123}"#;

/// `test://static-text`'s contents.
pub(crate) const STATIC_TEXT: &str = "This is the content of the static text resource.";

/// `test://watched-resource`'s contents.
pub(crate) const WATCHED_TEXT: &str = "Watched resource content";

/// The text of the resource `test_prompt_with_embedded_resource` embeds.
pub(crate) const PROMPT_RESOURCE_TEXT: &str = "Embedded resource content for testing.";

/// Completion candidates for `test_prompt_with_arguments`' arguments.
pub(crate) const COMPLETIONS: [&str; 5] = ["test", "testValue1", "testValue2", "testing", "example"];
