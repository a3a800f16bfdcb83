//! The SDK's HTTPS client, built when the first request needs it rather
//! than when a client is constructed, trusting compiled-in roots.
//!
//! Constructing an SDK client validates its HTTP client, and the default
//! one loads the platform's root certificates right then: reading and
//! parsing a bundle file and a directory of ~150 certificates each, ~5 ms of
//! a Lambda environment's first invocation, paid even by calls that never
//! reach AWS (a stateless tool, a cached session). Behind this wrapper the
//! client is built on the first real request, and it trusts Mozilla's roots
//! compiled into the binary (the `webpki-root-certs` crate; AWS's endpoints
//! chain to Amazon's roots, which are among them), so building it reads no
//! file. Set `SSL_CERT_FILE` or `SSL_CERT_DIR` to trust the platform's
//! store instead (a private CA, a TLS-inspecting proxy).

use aws_sdk_dynamodb::config::{RuntimeComponents, SharedHttpClient};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::{HttpClient, HttpConnectorSettings, SharedHttpConnector};
use base64::Engine;
use std::ffi::OsString;
use std::sync::OnceLock;

/// A lazily built rustls (aws-lc) HTTPS client; share one per process.
#[derive(Debug, Default)]
pub(crate) struct LazyHttpsClient(OnceLock<SharedHttpClient>);

impl LazyHttpsClient {
    fn client(&self) -> &SharedHttpClient {
        self.0.get_or_init(|| {
            let trust = if platform_store_requested(|name| std::env::var_os(name)) {
                TrustStore::default()
            } else {
                compiled_in_roots()
            };
            let builder = aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
            // Building a context checks nothing (the certificates are parsed
            // when the first connector is made), so it cannot fail today.
            let context = TlsContext::builder().with_trust_store(trust).build().unwrap_or_default();
            builder.tls_context(context).build_https()
        })
    }
}

impl HttpClient for LazyHttpsClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        self.client().http_connector(settings, components)
    }
}

/// Whether the OpenSSL variables that name a certificate file or directory
/// are set: then the platform's store (which honours them) is trusted.
fn platform_store_requested(var: impl Fn(&str) -> Option<OsString>) -> bool {
    ["SSL_CERT_FILE", "SSL_CERT_DIR"].into_iter().any(|name| var(name).is_some_and(|value| !value.is_empty()))
}

/// Mozilla's roots as one PEM bundle (the form the SDK's trust store takes),
/// without the platform's.
fn compiled_in_roots() -> TrustStore {
    TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(pem_bundle(webpki_root_certs::TLS_SERVER_ROOT_CERTS))
}

fn pem_bundle(certs: &[impl AsRef<[u8]>]) -> Vec<u8> {
    let mut pem = Vec::with_capacity(256 * 1024);
    for cert in certs {
        pem.extend_from_slice(b"-----BEGIN CERTIFICATE-----\n");
        let start = pem.len();
        let cert = cert.as_ref();
        pem.resize(start + base64::encoded_len(cert.len(), true).unwrap_or(0), 0);
        let written = base64::engine::general_purpose::STANDARD.encode_slice(cert, &mut pem[start..]);
        pem.truncate(start + written.unwrap_or(0));
        pem.extend_from_slice(b"\n-----END CERTIFICATE-----\n");
    }
    pem
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::{pem::PemObject, CertificateDer};

    /// The SDK turns each PEM certificate into a rustls trust anchor and
    /// panics on one it cannot parse: every compiled-in root must round-trip
    /// through the bundle and be accepted.
    #[test]
    fn every_compiled_in_root_survives_the_bundle_and_is_accepted_by_rustls() {
        let bundle = pem_bundle(webpki_root_certs::TLS_SERVER_ROOT_CERTS);
        let decoded: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(&bundle).collect::<Result<_, _>>().expect("a valid PEM bundle");
        assert_eq!(decoded.len(), webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        assert!(decoded.len() > 100, "{} roots", decoded.len());
        let mut store = rustls::RootCertStore::empty();
        for (cert, original) in decoded.into_iter().zip(webpki_root_certs::TLS_SERVER_ROOT_CERTS) {
            assert_eq!(cert.as_ref(), original.as_ref());
            store.add(cert).expect("rustls accepts every compiled-in root");
        }
        assert!(store.roots.iter().any(|root| contains(root.subject.as_ref(), b"Amazon Root CA 1")));
    }

    #[test]
    fn ssl_cert_file_or_dir_selects_the_platform_store() {
        let only =
            |set: &'static str, value: &'static str| move |name: &str| (name == set).then(|| OsString::from(value));
        assert!(!platform_store_requested(|_| None));
        assert!(platform_store_requested(only("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")));
        assert!(platform_store_requested(only("SSL_CERT_DIR", "/etc/ssl/certs")));
        assert!(!platform_store_requested(only("SSL_CERT_FILE", "")));
        assert!(!platform_store_requested(only("AWS_CA_BUNDLE", "/x.pem")));
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|window| window == needle)
    }
}
