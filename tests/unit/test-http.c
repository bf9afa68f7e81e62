/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-http.[ch] against servers on 127.0.0.1 only:
 * an in-process HTTP server (GThreadedSocketService: its handlers block in
 * their own threads while the client runs on the main loop, as in the
 * program) that can answer JSON, check Basic, Digest SHA-256 and Bearer
 * credentials, redirect, hang, trickle and flood; and `openssl s_server`
 * with a certificate made at test time for TLS. Nothing leaves loopback;
 * the non-local addresses below are only strings the LAN guard refuses.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-http.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#define DIGEST_REALM "shellyplus-test"
#define DIGEST_NONCE "6f1c2a9b"

static guint16 port;
static gint64 flood_written; /* bytes the /flood handler got out */

/* --- the server ------------------------------------------------------------ */

static char *
sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

/* The value of parameter @key in a Digest Authorization header. */
static char *
digest_param (const char *header, const char *key)
{
  g_autofree char *pat = g_strdup_printf ("%s=", key);
  const char *p = header;
  while ((p = strstr (p, pat)) != NULL)
    {
      if (p == header || p[-1] == ' ' || p[-1] == ',')
        break;
      p++;
    }
  if (p == NULL)
    return NULL;
  p += strlen (pat);
  if (*p == '"')
    {
      const char *end = strchr (p + 1, '"');
      return end != NULL ? g_strndup (p + 1, end - p - 1) : NULL;
    }
  return g_strndup (p, strcspn (p, ", "));
}

/* RFC 7616 with qop=auth and SHA-256, as Shelly Gen2 devices check it. */
static gboolean
digest_ok (const char *method, const char *auth, const char *password)
{
  if (auth == NULL || !g_str_has_prefix (auth, "Digest "))
    return FALSE;
  g_autofree char *user = digest_param (auth, "username");
  g_autofree char *realm = digest_param (auth, "realm");
  g_autofree char *nonce = digest_param (auth, "nonce");
  g_autofree char *uri = digest_param (auth, "uri");
  g_autofree char *cnonce = digest_param (auth, "cnonce");
  g_autofree char *nc = digest_param (auth, "nc");
  g_autofree char *qop = digest_param (auth, "qop");
  g_autofree char *response = digest_param (auth, "response");
  g_autofree char *algorithm = digest_param (auth, "algorithm");
  if (!user || !realm || !nonce || !uri || !cnonce || !nc || !qop || !response
      || g_strcmp0 (algorithm, "SHA-256") != 0 || g_strcmp0 (nonce, DIGEST_NONCE) != 0)
    return FALSE;
  g_autofree char *a1 = g_strdup_printf ("%s:%s:%s", user, realm, password);
  g_autofree char *ha1 = sha256_hex (a1);
  g_autofree char *a2 = g_strdup_printf ("%s:%s", method, uri);
  g_autofree char *ha2 = sha256_hex (a2);
  g_autofree char *all = g_strdup_printf ("%s:%s:%s:%s:%s:%s", ha1, nonce, nc, cnonce, qop, ha2);
  g_autofree char *expect = sha256_hex (all);
  return strcmp (user, "admin") == 0 && strcmp (expect, response) == 0;
}

static gboolean
send_all (GOutputStream *out, const char *data, gsize len)
{
  return g_output_stream_write_all (out, data, len, NULL, NULL, NULL);
}

static void
respond (GOutputStream *out, const char *status, const char *extra, const char *type,
         const char *body)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %s\r\n%sContent-Type: %s\r\nContent-Length: %zu\r\n"
                                           "Connection: close\r\n\r\n",
                                           status, extra != NULL ? extra : "", type, strlen (body));
  send_all (out, head, strlen (head));
  send_all (out, body, strlen (body));
}

static gboolean
handle (GThreadedSocketService *service, GSocketConnection *conn, GObject *source, gpointer data)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_autoptr (GString) req = g_string_new (NULL);
  char buf[4096];
  const char *end = NULL;
  while ((end = strstr (req->str, "\r\n\r\n")) == NULL && req->len < 65536)
    {
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        return TRUE;
      g_string_append_len (req, buf, n);
    }
  if (end == NULL)
    return TRUE;
  gsize head_len = end - req->str + 4;
  g_autofree char *head = g_strndup (req->str, head_len);
  g_auto (GStrv) lines = g_strsplit (head, "\r\n", -1);
  g_auto (GStrv) first = g_strsplit (lines[0], " ", 3);
  const char *method = first[0], *path = first[1] != NULL ? first[1] : "/";
  const char *auth = NULL;
  gsize content_length = 0;
  for (guint i = 1; lines[i] != NULL; i++)
    {
      if (g_ascii_strncasecmp (lines[i], "Authorization: ", 15) == 0)
        auth = lines[i] + 15;
      else if (g_ascii_strncasecmp (lines[i], "Content-Length: ", 16) == 0)
        content_length = g_ascii_strtoull (lines[i] + 16, NULL, 10);
    }
  while (req->len < head_len + content_length)
    {
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        return TRUE;
      g_string_append_len (req, buf, n);
    }
  g_autofree char *body = g_strndup (req->str + head_len, content_length);

  if (strcmp (path, "/json") == 0)
    respond (out, "200 OK", NULL, "application/json", "{\"ok\":true,\"n\":[1,2,3]}");
  else if (strcmp (path, "/echo") == 0)
    {
      g_autofree char *reply = g_strdup_printf ("{\"method\":\"%s\",\"got\":%s}", method, body);
      respond (out, "200 OK", NULL, "application/json", reply);
    }
  else if (strcmp (path, "/basic") == 0)
    {
      g_autofree char *good = g_base64_encode ((const guchar *) "admin:s3cret pass", 17);
      g_autofree char *expect = g_strdup_printf ("Basic %s", good);
      if (g_strcmp0 (auth, expect) == 0)
        respond (out, "200 OK", NULL, "text/plain", "welcome");
      else
        respond (out, "401 Unauthorized", "WWW-Authenticate: Basic realm=\"test\"\r\n", "text/plain", "no");
    }
  else if (strcmp (path, "/digest") == 0)
    {
      if (digest_ok (method, auth, "correct horse"))
        respond (out, "200 OK", NULL, "application/json", "{\"authenticated\":true}");
      else
        respond (out, "401 Unauthorized",
                 "WWW-Authenticate: Digest qop=\"auth\", realm=\"" DIGEST_REALM "\", nonce=\"" DIGEST_NONCE
                 "\", algorithm=SHA-256\r\n",
                 "application/json", "{\"code\":401}");
    }
  else if (strcmp (path, "/bearer") == 0)
    {
      if (g_strcmp0 (auth, "Bearer tok-123") == 0)
        respond (out, "200 OK", NULL, "text/plain", "token ok");
      else
        respond (out, "401 Unauthorized", "WWW-Authenticate: Bearer\r\n", "text/plain", "no");
    }
  else if (strcmp (path, "/redirect-local") == 0)
    respond (out, "302 Found", "Location: /json\r\n", "text/plain", "");
  else if (strcmp (path, "/redirect-away") == 0)
    respond (out, "301 Moved Permanently", "Location: http://example.com/login\r\n", "text/plain", "");
  else if (strcmp (path, "/hang") == 0)
    {
      /* Never answers; returns when the client gives up and closes. */
      while (g_input_stream_read (in, buf, sizeof buf, NULL, NULL) > 0)
        ;
    }
  else if (strcmp (path, "/trickle") == 0)
    {
      const char *h = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n";
      if (send_all (out, h, strlen (h)))
        for (int i = 0; i < 1000 && send_all (out, "x", 1); i++)
          g_usleep (250 * 1000);
    }
  else if (g_str_has_prefix (path, "/flood"))
    {
      /* 100 MB, announced (Content-Length) or not (chunked-less close). */
      gboolean announce = strcmp (path, "/flood-announced") == 0;
      const char *h = announce ? "HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n"
                               : "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
      static char chunk[65536];
      memset (chunk, 'A', sizeof chunk);
      if (send_all (out, h, strlen (h)))
        for (int i = 0; i < 1600 && send_all (out, chunk, sizeof chunk); i++)
          g_atomic_pointer_add (&flood_written, sizeof chunk);
    }
  else if (strcmp (path, "/bad-json") == 0)
    respond (out, "200 OK", NULL, "application/json", "{\"id\": 1, \"result\": {\"ver\": }");
  else if (strcmp (path, "/deep-json") == 0)
    {
      g_autoptr (GString) deep = g_string_new (NULL);
      for (int i = 0; i < 100000; i++)
        g_string_append_c (deep, '[');
      respond (out, "200 OK", NULL, "application/json", deep->str);
    }
  else if (strcmp (path, "/big-headers") == 0)
    {
      g_autoptr (GString) extra = g_string_new (NULL);
      for (int i = 0; i < 200; i++)
        g_string_append_printf (extra, "X-Filler-%d: %0200d\r\n", i, 0);
      respond (out, "200 OK", extra->str, "text/plain", "ok");
    }
  else
    respond (out, "404 Not Found", NULL, "text/plain", "not found");
  g_output_stream_flush (out, NULL, NULL);
  return TRUE;
}

static GSocketService *
server_start (void)
{
  GSocketService *service = g_threaded_socket_service_new (16);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;
  g_socket_listener_add_address (G_SOCKET_LISTENER (service), sa, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (service, "run", G_CALLBACK (handle), NULL);
  g_socket_service_start (service);
  return service;
}

/* --- the client side --------------------------------------------------------- */

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->result = g_object_ref (result);
}

static IotHttpResponse *
run (IotHttp *http, IotHttpRequest *req, GCancellable *cancellable, GError **error)
{
  Wait w = { NULL };
  iot_http_request_async (http, req, cancellable, on_done, &w);
  while (w.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  IotHttpResponse *resp = iot_http_request_finish (http, w.result, error);
  g_object_unref (w.result);
  return resp;
}

static char *
url (const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
}

static IotHttpRequest *
request (const char *method, const char *path)
{
  g_autofree char *u = url (path);
  return iot_http_request_new (method, u);
}

static char *
body_text (IotHttpResponse *resp)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (resp->body, &len);
  return g_strndup (data, len);
}

static void
test_get_json (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (IotHttpRequest) req = request ("GET", "/json");
  g_autoptr (GError) error = NULL;
  g_autoptr (IotHttpResponse) resp = run (http, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resp->status, ==, 200);
  g_assert_cmpstr (resp->content_type, ==, "application/json");
  g_assert_false (resp->tls);
  g_assert_cmpint (resp->elapsed_us, >, 0);
  g_autoptr (JsonNode) root = iot_http_parse_json (resp->body, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (root), "ok"));
  g_assert_cmpuint (iot_http_count_active (http), ==, 0);
  iot_http_free (http);
}

static void
test_post_json (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (IotHttpRequest) req = request ("POST", "/echo");
  g_autoptr (GBytes) body = g_bytes_new_static ("{\"id\":1,\"method\":\"Shelly.GetStatus\"}", 36);
  iot_http_request_set_body (req, "application/json", body);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotHttpResponse) resp = run (http, req, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *text = body_text (resp);
  g_assert_cmpstr (text, ==, "{\"method\":\"POST\",\"got\":{\"id\":1,\"method\":\"Shelly.GetStatus\"}}");
  iot_http_free (http);
}

/* A name in the URL, the address from discovery: the connection goes to
 * the address and the name is only the Host header. */
static void
test_address_override (void)
{
  IotHttp *http = iot_http_new ();
  g_autofree char *u = g_strdup_printf ("http://shellyplus-test.local:%u/json", port);
  g_autoptr (IotHttpRequest) req = iot_http_request_new ("GET", u);
  iot_http_request_set_address (req, "127.0.0.1");
  g_autofree char *expect = url ("/json");
  g_assert_cmpstr (iot_http_request_get_url (req), ==, expect);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotHttpResponse) resp = run (http, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resp->status, ==, 200);
  iot_http_free (http);
}

static void
test_basic (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (IotSecret) good = iot_secret_new_from ("s3cret pass", -1);
  g_autoptr (IotSecret) bad = iot_secret_new_from ("guess", -1);
  g_autoptr (IotHttpRequest) req = request ("GET", "/basic");
  iot_http_request_set_auth (req, IOT_HTTP_AUTH_BASIC, "admin", bad);
  g_autoptr (IotHttpResponse) denied = run (http, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (denied->status, ==, 401);
  g_assert_cmpstr (denied->www_authenticate, ==, "Basic realm=\"test\"");
  iot_http_request_set_auth (req, IOT_HTTP_AUTH_BASIC, "admin", good);
  g_autoptr (IotHttpResponse) resp = run (http, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resp->status, ==, 200);
  iot_http_free (http);
}

static void
test_digest_sha256 (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (IotHttpRequest) none = request ("POST", "/digest");
  g_autoptr (GBytes) body = g_bytes_new_static ("{}", 2);
  iot_http_request_set_body (none, "application/json", body);
  g_autoptr (IotHttpResponse) r401 = run (http, none, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r401->status, ==, 401);
  g_assert_nonnull (strstr (r401->www_authenticate, "algorithm=SHA-256"));

  g_autoptr (IotSecret) wrong = iot_secret_new_from ("wrong horse", -1);
  g_autoptr (IotHttpRequest) bad = request ("POST", "/digest");
  iot_http_request_set_body (bad, "application/json", body);
  iot_http_request_set_auth (bad, IOT_HTTP_AUTH_DIGEST, "admin", wrong);
  g_autoptr (IotHttpResponse) rbad = run (http, bad, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rbad->status, ==, 401);

  g_autoptr (IotSecret) right = iot_secret_new_from ("correct horse", -1);
  g_autoptr (IotHttpRequest) good = request ("POST", "/digest");
  iot_http_request_set_body (good, "application/json", body);
  iot_http_request_set_auth (good, IOT_HTTP_AUTH_DIGEST, "admin", right);
  g_autoptr (IotHttpResponse) rgood = run (http, good, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rgood->status, ==, 200);
  g_autofree char *text = body_text (rgood);
  g_assert_cmpstr (text, ==, "{\"authenticated\":true}");
  iot_http_free (http);
}

static void
test_bearer (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (IotSecret) token = iot_secret_new_from ("tok-123", -1);
  g_autoptr (IotHttpRequest) req = request ("GET", "/bearer");
  iot_http_request_set_auth (req, IOT_HTTP_AUTH_BEARER, NULL, token);
  g_autoptr (IotHttpResponse) resp = run (http, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resp->status, ==, 200);
  iot_http_free (http);
}

static void
test_redirects (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (IotHttpRequest) local = request ("GET", "/redirect-local");
  g_autoptr (IotHttpResponse) r1 = run (http, local, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r1->status, ==, 302); /* not followed */
  g_autofree char *target = url ("/json");
  g_assert_cmpstr (r1->location, ==, target);
  g_assert_cmpint (iot_http_classify_redirect (iot_http_request_get_url (local), NULL, r1->location),
                   ==, IOT_HTTP_REDIRECT_SAME_DEVICE);

  g_autoptr (IotHttpRequest) away = request ("GET", "/redirect-away");
  g_autoptr (IotHttpResponse) r2 = run (http, away, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r2->status, ==, 301);
  g_assert_cmpstr (r2->location, ==, "http://example.com/login");
  g_assert_cmpint (iot_http_classify_redirect (iot_http_request_get_url (away), NULL, r2->location),
                   ==, IOT_HTTP_REDIRECT_ELSEWHERE);

  const char *from = "http://shellyplus.local/";
  g_assert_cmpint (iot_http_classify_redirect (from, "198.18.0.10", "https://198.18.0.10/x"), ==,
                   IOT_HTTP_REDIRECT_SAME_DEVICE);
  g_assert_cmpint (iot_http_classify_redirect (from, "198.18.0.10", "http://192.168.1.5/"), ==,
                   IOT_HTTP_REDIRECT_LOCAL);
  g_assert_cmpint (iot_http_classify_redirect (from, NULL, "http://other-device.local/"), ==,
                   IOT_HTTP_REDIRECT_LOCAL);
  g_assert_cmpint (iot_http_classify_redirect (from, NULL, "http://[fe80::1%25lab0]/"), ==,
                   IOT_HTTP_REDIRECT_LOCAL);
  g_assert_cmpint (iot_http_classify_redirect (from, NULL, "ftp://192.168.1.5/"), ==,
                   IOT_HTTP_REDIRECT_ELSEWHERE);
  g_assert_cmpint (iot_http_classify_redirect (from, NULL, "http://8.8.8.8/"), ==,
                   IOT_HTTP_REDIRECT_ELSEWHERE);
  g_assert_cmpint (iot_http_classify_redirect (from, NULL, "not a url"), ==, IOT_HTTP_REDIRECT_ELSEWHERE);
  iot_http_free (http);
}

static void
test_guard (void)
{
  const char *local[] = { "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.20",
                          "169.254.3.4", "198.18.0.10", "198.19.255.1", "::1", "fe80::1",
                          "fe80::d6d4:daff:fe7c:1e2f%lab0", "fd12:3456::1", "fc00::1" };
  const char *remote[] = { "203.0.113.1", "8.8.8.8", "172.32.0.1", "198.20.0.1", "192.169.0.1",
                           "2001:db8::1", "fec0::1", "0.0.0.0", "::", "::ffff:10.0.0.1",
                           "example.com", "shelly.local", "127.0.0.1%lo", "fe80::1%", "",
                           "10.0.0.1 ", "[::1]" };
  for (guint i = 0; i < G_N_ELEMENTS (local); i++)
    g_assert_true (iot_http_address_is_local (local[i]));
  for (guint i = 0; i < G_N_ELEMENTS (remote); i++)
    {
      if (iot_http_address_is_local (remote[i]))
        g_error ("guard lets %s through", remote[i]);
    }
}

/* Refused before curl sees it: nothing is in flight at any point, and the
 * answer comes at once. */
static void
test_refuse_non_local (void)
{
  IotHttp *http = iot_http_new ();
  const char *urls[] = { "http://203.0.113.1/rpc", "https://example.com/", "http://[2001:db8::1]/",
                         "http://2130706433x/" };
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr (IotHttpRequest) req = iot_http_request_new ("GET", urls[i]);
      Wait w = { NULL };
      gint64 t0 = g_get_monotonic_time ();
      iot_http_request_async (http, req, NULL, on_done, &w);
      g_assert_cmpuint (iot_http_count_active (http), ==, 0);
      g_assert_null (w.result); /* through the callback, never synchronously */
      while (w.result == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_autoptr (GError) error = NULL;
      g_assert_null (iot_http_request_finish (http, w.result, &error));
      g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_NOT_LOCAL);
      g_assert_cmpint (g_get_monotonic_time () - t0, <, G_USEC_PER_SEC / 10);
      g_object_unref (w.result);
    }
  /* A name with a local address: the address decides. */
  g_autoptr (IotHttpRequest) req = iot_http_request_new ("GET", "http://shelly.local/");
  iot_http_request_set_address (req, "203.0.113.1");
  g_autoptr (GError) error = NULL;
  g_assert_null (run (http, req, NULL, &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_NOT_LOCAL);
  g_clear_error (&error);
  g_autoptr (IotHttpRequest) ftp = iot_http_request_new ("GET", "ftp://127.0.0.1/");
  g_assert_null (run (http, ftp, NULL, &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_INVALID_URL);
  iot_http_free (http);
}

static void
test_hang_times_out (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (IotHttpRequest) req = request ("GET", "/hang");
  iot_http_request_set_timeout (req, 600, 300);
  iot_http_request_set_low_speed (req, 0, 0);
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_null (run (http, req, NULL, &error));
  gint64 took = g_get_monotonic_time () - t0;
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_TIMED_OUT);
  g_assert_cmpint (took, >=, 500 * 1000);
  g_assert_cmpint (took, <, 3 * G_USEC_PER_SEC);
  iot_http_free (http);
}

static void
test_trickle_cut_off (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (IotHttpRequest) req = request ("GET", "/trickle");
  iot_http_request_set_low_speed (req, 16, 1);
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_null (run (http, req, NULL, &error));
  gint64 took = g_get_monotonic_time () - t0;
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_TOO_SLOW);
  /* Cut off after about a second, long before the 10 s total timeout. */
  g_assert_cmpint (took, <, 4 * G_USEC_PER_SEC);
  iot_http_free (http);
}

static void
flood (const char *path)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (IotHttpRequest) req = request ("GET", path);
  g_atomic_pointer_set (&flood_written, 0);
  g_autoptr (GError) error = NULL;
  g_assert_null (run (http, req, NULL, &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_TOO_LARGE);
  iot_http_free (http);
}

/* 100 MB at the default 1 MiB limit: cut off, never buffered. */
static void
test_flood (void)
{
  flood ("/flood");
  /* The server got out far less than its 100 MB before the client hung up
   * (socket buffers hold a few MB at most). */
  g_usleep (200 * 1000);
  g_assert_cmpint (g_atomic_pointer_get (&flood_written), <, 32 * 1024 * 1024);
  flood ("/flood-announced");
}

static void
test_big_headers (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (IotHttpRequest) req = request ("GET", "/big-headers");
  iot_http_request_set_max_headers (req, 8 * 1024);
  g_autoptr (GError) error = NULL;
  g_assert_null (run (http, req, NULL, &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_TOO_LARGE);
  iot_http_free (http);
}

static void
test_bad_json (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (IotHttpRequest) bad = request ("GET", "/bad-json");
  g_autoptr (IotHttpResponse) r1 = run (http, bad, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (iot_http_parse_json (r1->body, &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_BAD_JSON);
  g_clear_error (&error);
  g_autoptr (IotHttpRequest) deep = request ("GET", "/deep-json");
  g_autoptr (IotHttpResponse) r2 = run (http, deep, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (iot_http_parse_json (r2->body, &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_JSON_TOO_DEEP);
  g_clear_error (&error);
  iot_http_free (http);

  /* The depth pre-scan: brackets in strings do not count; 32 levels pass. */
  g_autoptr (GString) ok = g_string_new (NULL);
  for (int i = 0; i < IOT_HTTP_JSON_MAX_DEPTH; i++)
    g_string_append_c (ok, '[');
  g_string_append (ok, "\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[\"");
  for (int i = 0; i < IOT_HTTP_JSON_MAX_DEPTH; i++)
    g_string_append_c (ok, ']');
  g_autoptr (JsonNode) n = iot_http_parse_json_data (ok->str, ok->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (n);
  g_string_prepend_c (ok, '[');
  g_string_append_c (ok, ']');
  g_assert_null (iot_http_parse_json_data (ok->str, ok->len, &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_JSON_TOO_DEEP);
  g_clear_error (&error);
  g_assert_null (iot_http_parse_json_data ("", 0, &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_BAD_JSON);
  g_clear_error (&error);
  g_assert_null (iot_http_parse_json_data ("{\"a\":1}\0trailing", 16, &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_BAD_JSON);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (IotHttpRequest) req = request ("GET", "/hang");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_timeout_add (200, cancel_later, cancellable);
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_null (run (http, req, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, G_USEC_PER_SEC);
  g_assert_cmpuint (iot_http_count_active (http), ==, 0);

  /* Freeing the IotHttp cancels what is in flight. */
  g_autoptr (IotHttpRequest) req2 = request ("GET", "/hang");
  Wait w = { NULL };
  iot_http_request_async (http, req2, NULL, on_done, &w);
  g_assert_cmpuint (iot_http_count_active (http), ==, 1);
  iot_http_free (http);
  while (w.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_error (&error);
  g_assert_null (iot_http_request_finish (NULL, w.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (w.result);
}

static void
test_refused (void)
{
  /* A port nobody listens on: bind one, close it. */
  g_autoptr (GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (s, sa, FALSE, NULL));
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (s, NULL);
  guint16 free_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (s, NULL);
  IotHttp *http = iot_http_new ();
  g_autofree char *u = g_strdup_printf ("http://127.0.0.1:%u/", free_port);
  g_autoptr (IotHttpRequest) req = iot_http_request_new ("GET", u);
  g_autoptr (GError) error = NULL;
  g_assert_null (run (http, req, NULL, &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_REFUSED);
  iot_http_free (http);
}

/* TLS: `openssl s_server` with a self-signed certificate made now. */
static void
test_tls_self_signed (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("iot-http-tls-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  const char *gen[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=shelly-test",
                        NULL };
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) gen, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                                               | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("openssl cannot make a certificate");
      return;
    }
  /* A free port for s_server: bind one, close it. */
  g_autoptr (GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (s, sa, FALSE, NULL));
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (s, NULL);
  guint16 tls_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (s, NULL);
  g_autofree char *accept = g_strdup_printf ("127.0.0.1:%u", tls_port);
  g_autoptr (GSubprocess) server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                     | G_SUBPROCESS_FLAGS_STDERR_SILENCE
                                                     | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                                                     &error, "openssl", "s_server", "-quiet", "-accept",
                                                     accept, "-cert", cert, "-key", key, "-www", NULL);
  g_assert_no_error (error);

  IotHttp *http = iot_http_new ();
  g_autofree char *u = g_strdup_printf ("https://127.0.0.1:%u/", tls_port);
  g_autoptr (IotHttpResponse) resp = NULL;
  /* s_server needs a moment to listen; retry on "refused" for up to 5 s. */
  for (int i = 0; i < 100 && resp == NULL; i++)
    {
      g_autoptr (IotHttpRequest) req = iot_http_request_new ("GET", u);
      g_clear_error (&error);
      resp = run (http, req, NULL, &error);
      if (resp == NULL && !g_error_matches (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_REFUSED))
        break;
      if (resp == NULL)
        g_usleep (50 * 1000);
    }
  g_subprocess_force_exit (server);
  g_subprocess_wait (server, NULL, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (resp->status, ==, 200);
  g_assert_true (resp->tls);
  g_assert_false (resp->tls_verified);
  g_assert_nonnull (resp->tls_problem);
  g_test_message ("TLS: %s", resp->tls_problem);
  iot_http_free (http);
  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  /* Proxies in the environment must change nothing. */
  g_setenv ("http_proxy", "http://203.0.113.9:3128", TRUE);
  g_setenv ("HTTPS_PROXY", "http://203.0.113.9:3128", TRUE);
  g_setenv ("ALL_PROXY", "http://203.0.113.9:3128", TRUE);
  g_autoptr (GSocketService) service = server_start ();
  g_test_add_func ("/http/guard", test_guard);
  g_test_add_func ("/http/refuse-non-local", test_refuse_non_local);
  g_test_add_func ("/http/get-json", test_get_json);
  g_test_add_func ("/http/post-json", test_post_json);
  g_test_add_func ("/http/address-override", test_address_override);
  g_test_add_func ("/http/basic", test_basic);
  g_test_add_func ("/http/digest-sha256", test_digest_sha256);
  g_test_add_func ("/http/bearer", test_bearer);
  g_test_add_func ("/http/redirects", test_redirects);
  g_test_add_func ("/http/refused", test_refused);
  g_test_add_func ("/http/hang-times-out", test_hang_times_out);
  g_test_add_func ("/http/trickle-cut-off", test_trickle_cut_off);
  g_test_add_func ("/http/flood", test_flood);
  g_test_add_func ("/http/big-headers", test_big_headers);
  g_test_add_func ("/http/json", test_bad_json);
  g_test_add_func ("/http/cancel", test_cancel);
  g_test_add_func ("/http/tls-self-signed", test_tls_self_signed);
  int rc = g_test_run ();
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_free (argv);
  return rc;
}
