/* SPDX-License-Identifier: GPL-3.0-or-later
 * HTTP to devices on the local network: libcurl's multi interface driven by
 * the GLib main loop (one GSource per socket, one timer; no threads, no
 * polling, nothing blocks). Every request is asynchronous, cancellable and
 * bounded (total and connect timeouts, a low-speed cut-off, body and header
 * size limits), goes only to local addresses (the LAN guard refuses anything
 * else before a packet is sent), never uses a proxy, cookies or redirects,
 * and carries credentials only as IotSecret. Curl's own copies of
 * credentials are wiped when curl frees them (zeroing allocators).
 *
 * Ownership: one IotHttp per owner (the session, a test, a CLI command); it
 * holds the curl multi handle and the sources on the thread-default main
 * context of the thread that created it, and must be used from that thread
 * only. iot_http_free() cancels what is still running: those requests
 * finish with G_IO_ERROR_CANCELLED.
 *
 * Usage:
 *
 *     g_autoptr (IotHttpRequest) req = iot_http_request_new ("POST", "http://198.18.0.10/rpc");
 *     iot_http_request_set_body (req, "application/json", body);
 *     iot_http_request_set_auth (req, IOT_HTTP_AUTH_DIGEST, "admin", secret);
 *     iot_http_request_async (http, req, cancellable, on_done, self);
 *     ...
 *     g_autoptr (IotHttpResponse) resp = iot_http_request_finish (http, result, &error);
 *     g_autoptr (JsonNode) json = iot_http_parse_json (resp->body, &error);
 *
 * A response is any answer the device gave, whatever its status (401, 404,
 * 3xx included); an error means no complete answer (refused, timed out, too
 * large, TLS failed, ...).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "iot-secret.h"

#define IOT_HTTP_ERROR (iot_http_error_quark ())

typedef enum
{
  IOT_HTTP_ERROR_NOT_LOCAL,      /* the LAN guard refused the address: nothing was sent */
  IOT_HTTP_ERROR_INVALID_URL,    /* not http/https, no host, unparsable */
  IOT_HTTP_ERROR_TIMED_OUT,      /* no (complete) answer within the timeout */
  IOT_HTTP_ERROR_TOO_SLOW,       /* the answer came slower than the low-speed limit */
  IOT_HTTP_ERROR_TOO_LARGE,      /* body or headers over their limit; never buffered */
  IOT_HTTP_ERROR_REFUSED,        /* connection refused */
  IOT_HTTP_ERROR_UNREACHABLE,    /* no route, host down */
  IOT_HTTP_ERROR_TLS,            /* the TLS handshake failed (not: an unverified certificate) */
  IOT_HTTP_ERROR_BAD_RESPONSE,   /* not HTTP, cut short */
  IOT_HTTP_ERROR_BAD_JSON,       /* iot_http_parse_json: malformed or not an object/array */
  IOT_HTTP_ERROR_JSON_TOO_DEEP,  /* iot_http_parse_json: nested deeper than IOT_HTTP_JSON_MAX_DEPTH */
  IOT_HTTP_ERROR_FAILED,         /* anything else */
} IotHttpError;

GQuark iot_http_error_quark (void);

/* Defaults; each can be changed per request. */
#define IOT_HTTP_DEFAULT_TIMEOUT_MS 10000
#define IOT_HTTP_DEFAULT_CONNECT_TIMEOUT_MS 5000
#define IOT_HTTP_DEFAULT_MAX_BODY (1024 * 1024)
#define IOT_HTTP_DEFAULT_MAX_HEADERS (32 * 1024)
/* A transfer slower than this many bytes per second for LOW_SPEED_TIME
 * seconds is cut off: a device that trickles its answer cannot hold a
 * request until the total timeout. (This also ends a silent device.) */
#define IOT_HTTP_DEFAULT_LOW_SPEED_LIMIT 64
#define IOT_HTTP_DEFAULT_LOW_SPEED_TIME 3

#define IOT_HTTP_JSON_MAX_DEPTH 32

typedef enum
{
  IOT_HTTP_AUTH_NONE,
  IOT_HTTP_AUTH_BASIC,
  IOT_HTTP_AUTH_DIGEST, /* RFC 7616, MD5 and SHA-256 (what the server asks for) */
  IOT_HTTP_AUTH_BEARER, /* the secret is the token; the user name is ignored */
} IotHttpAuth;

typedef struct _IotHttp IotHttp;
typedef struct _IotHttpRequest IotHttpRequest;

typedef struct
{
  guint status;            /* 100..599 */
  char *content_type;      /* or NULL; raw device text: sanitize before display */
  GBytes *body;            /* never NULL (maybe empty), at most the request's max body */
  char *location;          /* absolute redirect target of a 3xx, or NULL; never followed */
  char *www_authenticate;  /* the last WWW-Authenticate header, or NULL */
  gboolean tls;            /* the request went over https */
  gboolean tls_verified;   /* https and the certificate chain verified against the system CAs */
  char *tls_problem;       /* why not verified (plain English, for logs and evidence), or NULL */
  gint64 elapsed_us;       /* from start to the last byte */
} IotHttpResponse;

IotHttp *iot_http_new (void);
void iot_http_free (IotHttp *http);
/* Requests in flight (tests use it). */
guint iot_http_count_active (IotHttp *http);

/* @url: http:// or https:// with the host the device is known by. When the
 * host is a name (e.g. from mDNS), call iot_http_request_set_address() with
 * the address discovery found: the connection goes to that address, the
 * name only goes into the Host header; no name is ever looked up. */
IotHttpRequest *iot_http_request_new (const char *method, const char *url);
void iot_http_request_free (IotHttpRequest *req);
/* An IPv4 or IPv6 literal, IPv6 link-local with its zone ("fe80::1%lab0"). */
void iot_http_request_set_address (IotHttpRequest *req, const char *address);
/* The request body (kept by reference, not copied). */
void iot_http_request_set_body (IotHttpRequest *req, const char *content_type, GBytes *body);
void iot_http_request_add_header (IotHttpRequest *req, const char *name, const char *value);
/* Copies @secret into a secret of the request's own (NULL clears). */
void iot_http_request_set_auth (IotHttpRequest *req, IotHttpAuth auth, const char *user,
                                const IotSecret *secret);
void iot_http_request_set_timeout (IotHttpRequest *req, guint total_ms, guint connect_ms);
void iot_http_request_set_low_speed (IotHttpRequest *req, guint bytes_per_second, guint seconds);
void iot_http_request_set_max_body (IotHttpRequest *req, gsize max_bytes);
void iot_http_request_set_max_headers (IotHttpRequest *req, gsize max_bytes);
/* The final URL (host replaced by the address), or NULL when invalid. */
const char *iot_http_request_get_url (IotHttpRequest *req);

/* Starts @req (the call keeps its own reference to what it needs: @req may
 * be freed at once). Fails through the callback, never synchronously. */
void iot_http_request_async (IotHttp *http, IotHttpRequest *req, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
IotHttpResponse *iot_http_request_finish (IotHttp *http, GAsyncResult *result, GError **error);

void iot_http_response_free (IotHttpResponse *resp);

/* The LAN guard: TRUE for loopback, link-local (169.254/16, fe80::/10, the
 * latter with or without "%zone"), RFC 1918, ULA fc00::/7 and the benchmark
 * range 198.18.0.0/15 (the test lab); FALSE for anything else, names too. */
gboolean iot_http_address_is_local (const char *address);

typedef enum
{
  IOT_HTTP_REDIRECT_SAME_DEVICE, /* the host of the request (name or address) */
  IOT_HTTP_REDIRECT_LOCAL,       /* another local address, or a .local mDNS name */
  IOT_HTTP_REDIRECT_ELSEWHERE,   /* the internet, another scheme, or unparsable */
} IotHttpRedirect;

/* Where a redirect from @request_url (or NULL) to @location leads.
 * @address: the address the request went to (or NULL). */
IotHttpRedirect iot_http_classify_redirect (const char *request_url, const char *address,
                                            const char *location);

/* Parses @body as JSON after a pre-scan that refuses nesting deeper than
 * IOT_HTTP_JSON_MAX_DEPTH (a hostile "[[[[..." cannot exhaust the stack).
 * Returns the root node, or NULL with an IOT_HTTP_ERROR. */
JsonNode *iot_http_parse_json (GBytes *body, GError **error);
/* The same for a buffer of @len bytes. */
JsonNode *iot_http_parse_json_data (const char *data, gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotHttpRequest, iot_http_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotHttpResponse, iot_http_response_free)
