/* SPDX-License-Identifier: GPL-3.0-or-later
 * HTTP to local devices over libcurl's multi-socket interface on the GLib
 * main loop. Curl tells us which sockets to watch (a GUnixFDSource each)
 * and when to call it back (one timeout source); each finished transfer is
 * handed to its GTask from an idle source, so a caller's callback never runs
 * inside curl and may free the IotHttp. The LAN guard runs on the final URL
 * before curl sees it; URLs always carry an IP literal, so curl never looks
 * a name up.
 */
#include "config.h"

#include "iot-http.h"

#include "iot-sanitize.h"

#include <curl/curl.h>
#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <malloc.h>
#include <pthread.h>
#include <string.h>

G_DEFINE_QUARK (iot-http-error-quark, iot_http_error)

struct _IotHttp
{
  CURLM *multi;
  GMainContext *context;
  GSource *timer;
  GList *active; /* of Transfer */
};

struct _IotHttpRequest
{
  char *method;
  char *url;       /* as given */
  char *address;   /* or NULL */
  char *final_url; /* computed by prepare() */
  char *host_header;
  char *content_type;
  GBytes *body;
  GPtrArray *headers;
  IotHttpAuth auth;
  char *user;
  IotSecret *secret;
  guint timeout_ms, connect_ms, low_limit, low_time;
  gsize max_body, max_headers;
};

typedef struct
{
  IotHttp *http;
  IotHttpRequest *req; /* a reference */
  CURL *easy;
  GTask *task;
  GSource *cancel_source;
  struct curl_slist *headers;
  GByteArray *body;
  gsize header_bytes;
  gboolean too_large;
  char *www_authenticate;
  IotHttpResponse *resp; /* the outcome, for deliver() */
  GError *error;
  char errbuf[CURL_ERROR_SIZE];
} Transfer;

/* --- curl's memory: wiped when freed ------------------------------------ */

/* Curl copies user names, passwords, tokens and Authorization headers into
 * its own heap blocks; wiping every block it frees or moves means no copy
 * of a secret outlives the transfer. */
static void
zero_free (void *p)
{
  if (p == NULL)
    return;
  explicit_bzero (p, malloc_usable_size (p));
  free (p);
}

static void *
zero_realloc (void *p, size_t size)
{
  if (p == NULL)
    return malloc (size);
  if (size == 0)
    {
      zero_free (p);
      return NULL;
    }
  size_t old = malloc_usable_size (p);
  void *q = malloc (size);
  if (q == NULL)
    return NULL;
  memcpy (q, p, MIN (old, size));
  zero_free (p);
  return q;
}

static char *
zero_strdup (const char *s)
{
  size_t n = strlen (s) + 1;
  char *q = malloc (n);
  if (q != NULL)
    memcpy (q, s, n);
  return q;
}

static void
global_init_once (void)
{
  if (curl_global_init_mem (CURL_GLOBAL_DEFAULT, malloc, zero_free, zero_realloc, zero_strdup, calloc)
      != CURLE_OK)
    g_warning ("http: curl_global_init_mem failed");
}

static void
global_init (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, global_init_once);
}

/* --- the LAN guard --------------------------------------------------------- */

gboolean
iot_http_address_is_local (const char *address)
{
  g_return_val_if_fail (address != NULL, FALSE);
  g_autofree char *plain = g_strdup (address);
  char *zone = strchr (plain, '%');
  if (zone != NULL)
    {
      if (zone[1] == '\0' || strchr (plain, ':') == NULL)
        return FALSE;
      *zone = '\0';
    }
  g_autoptr (GInetAddress) a = g_inet_address_new_from_string (plain);
  if (a == NULL)
    return FALSE;
  const guint8 *b = g_inet_address_to_bytes (a);
  if (g_inet_address_get_family (a) == G_SOCKET_FAMILY_IPV4)
    {
      if (zone != NULL)
        return FALSE;
      return b[0] == 127                              /* loopback */
             || b[0] == 10                            /* RFC 1918 */
             || (b[0] == 172 && (b[1] & 0xf0) == 16)  /* RFC 1918 */
             || (b[0] == 192 && b[1] == 168)          /* RFC 1918 */
             || (b[0] == 169 && b[1] == 254)          /* link-local */
             || (b[0] == 198 && (b[1] & 0xfe) == 18); /* benchmarking: the lab */
    }
  if (g_inet_address_get_is_loopback (a))
    return zone == NULL;
  return (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10 link-local */
         || (b[0] & 0xfe) == 0xfc;              /* fc00::/7 ULA */
}

/* --- requests ---------------------------------------------------------------- */

IotHttpRequest *
iot_http_request_new (const char *method, const char *url)
{
  g_return_val_if_fail (method != NULL && url != NULL, NULL);
  IotHttpRequest *req = g_atomic_rc_box_new0 (IotHttpRequest);
  req->method = g_ascii_strup (method, -1);
  req->url = g_strdup (url);
  req->headers = g_ptr_array_new_with_free_func (g_free);
  req->timeout_ms = IOT_HTTP_DEFAULT_TIMEOUT_MS;
  req->connect_ms = IOT_HTTP_DEFAULT_CONNECT_TIMEOUT_MS;
  req->low_limit = IOT_HTTP_DEFAULT_LOW_SPEED_LIMIT;
  req->low_time = IOT_HTTP_DEFAULT_LOW_SPEED_TIME;
  req->max_body = IOT_HTTP_DEFAULT_MAX_BODY;
  req->max_headers = IOT_HTTP_DEFAULT_MAX_HEADERS;
  return req;
}

static void
request_clear (IotHttpRequest *req)
{
  g_free (req->method);
  g_free (req->url);
  g_free (req->address);
  g_free (req->final_url);
  g_free (req->host_header);
  g_free (req->content_type);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_ptr_array_unref (req->headers);
  g_free (req->user);
  g_clear_pointer (&req->secret, iot_secret_free);
}

void
iot_http_request_free (IotHttpRequest *req)
{
  if (req != NULL)
    g_atomic_rc_box_release_full (req, (GDestroyNotify) request_clear);
}

static void
request_changed (IotHttpRequest *req)
{
  g_clear_pointer (&req->final_url, g_free);
  g_clear_pointer (&req->host_header, g_free);
}

void
iot_http_request_set_address (IotHttpRequest *req, const char *address)
{
  g_return_if_fail (req != NULL);
  g_free (req->address);
  req->address = g_strdup (address);
  request_changed (req);
}

void
iot_http_request_set_body (IotHttpRequest *req, const char *content_type, GBytes *body)
{
  g_return_if_fail (req != NULL);
  g_free (req->content_type);
  req->content_type = g_strdup (content_type);
  g_clear_pointer (&req->body, g_bytes_unref);
  req->body = body != NULL ? g_bytes_ref (body) : NULL;
}

void
iot_http_request_add_header (IotHttpRequest *req, const char *name, const char *value)
{
  g_return_if_fail (req != NULL && name != NULL && value != NULL);
  /* A CR or LF would smuggle a header (or a request) in. */
  g_return_if_fail (strpbrk (name, "\r\n:") == NULL && strpbrk (value, "\r\n") == NULL);
  g_ptr_array_add (req->headers, g_strdup_printf ("%s: %s", name, value));
}

void
iot_http_request_set_auth (IotHttpRequest *req, IotHttpAuth auth, const char *user,
                           const IotSecret *secret)
{
  g_return_if_fail (req != NULL);
  req->auth = auth;
  g_free (req->user);
  req->user = g_strdup (user);
  g_clear_pointer (&req->secret, iot_secret_free);
  if (secret != NULL)
    req->secret = iot_secret_copy (secret);
}

void
iot_http_request_set_timeout (IotHttpRequest *req, guint total_ms, guint connect_ms)
{
  g_return_if_fail (req != NULL);
  req->timeout_ms = total_ms;
  req->connect_ms = connect_ms;
}

void
iot_http_request_set_low_speed (IotHttpRequest *req, guint bytes_per_second, guint seconds)
{
  g_return_if_fail (req != NULL);
  req->low_limit = bytes_per_second;
  req->low_time = seconds;
}

void
iot_http_request_set_max_body (IotHttpRequest *req, gsize max_bytes)
{
  g_return_if_fail (req != NULL);
  req->max_body = max_bytes;
}

void
iot_http_request_set_max_headers (IotHttpRequest *req, gsize max_bytes)
{
  g_return_if_fail (req != NULL);
  req->max_headers = max_bytes;
}

static char *
url_part (CURLU *u, CURLUPart part)
{
  char *curl_str = NULL;
  if (curl_url_get (u, part, &curl_str, 0) != CURLUE_OK)
    return NULL;
  char *s = g_strdup (curl_str);
  curl_free (curl_str);
  return s;
}

/* Computes the final URL (an IP literal host) and runs the LAN guard. */
static gboolean
prepare (IotHttpRequest *req, GError **error)
{
  if (req->final_url != NULL)
    return TRUE;
  CURLU *u = curl_url ();
  g_autofree char *scheme = NULL, *host = NULL, *zone = NULL, *port = NULL, *target = NULL;
  gboolean ok = FALSE;
  if (u == NULL || curl_url_set (u, CURLUPART_URL, req->url, 0) != CURLUE_OK)
    goto invalid;
  scheme = url_part (u, CURLUPART_SCHEME);
  host = url_part (u, CURLUPART_HOST);
  zone = url_part (u, CURLUPART_ZONEID);
  port = url_part (u, CURLUPART_PORT);
  if (scheme == NULL || host == NULL || (strcmp (scheme, "http") != 0 && strcmp (scheme, "https") != 0))
    goto invalid;
  if (req->address != NULL)
    {
      /* The name stays in the Host header; the connection goes to the
       * address discovery found. */
      req->host_header = port != NULL ? g_strdup_printf ("Host: %s:%s", host, port)
                                      : g_strdup_printf ("Host: %s", host);
      target = g_strdup (req->address);
      g_auto (GStrv) parts = g_strsplit (req->address, "%", 2);
      g_autofree char *bracketed = strchr (parts[0], ':') != NULL ? g_strdup_printf ("[%s]", parts[0])
                                                                   : g_strdup (parts[0]);
      if (!iot_http_address_is_local (target))
        goto refuse;
      if (curl_url_set (u, CURLUPART_HOST, bracketed, 0) != CURLUE_OK
          || curl_url_set (u, CURLUPART_ZONEID, parts[1], 0) != CURLUE_OK)
        goto invalid;
    }
  else
    {
      g_autofree char *inner = host[0] == '[' ? g_strndup (host + 1, strlen (host) - 2) : g_strdup (host);
      target = zone != NULL ? g_strdup_printf ("%s%%%s", inner, zone) : g_strdup (inner);
      if (!iot_http_address_is_local (target))
        goto refuse;
    }
  req->final_url = url_part (u, CURLUPART_URL);
  ok = req->final_url != NULL;
  if (!ok)
    goto invalid;
  curl_url_cleanup (u);
  return TRUE;

refuse:
  /* Translators: %s is an IP address or host name. */
  {
    /* The host may come from a device (a redirect's Location). */
    g_autofree char *shown = iot_sanitize_text (target, -1, 256);
    g_set_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_NOT_LOCAL,
                 _("Refused: %s is not an address on the local network"), shown);
  }
  curl_url_cleanup (u);
  return FALSE;

invalid:
  g_set_error_literal (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_INVALID_URL,
                       _("Not a valid device address"));
  curl_url_cleanup (u);
  return FALSE;
}

const char *
iot_http_request_get_url (IotHttpRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  return prepare (req, NULL) ? req->final_url : NULL;
}

/* --- redirects ------------------------------------------------------------- */

static char *
host_of (const char *url)
{
  CURLU *u = curl_url ();
  char *host = NULL;
  if (u != NULL && curl_url_set (u, CURLUPART_URL, url, 0) == CURLUE_OK)
    {
      g_autofree char *scheme = url_part (u, CURLUPART_SCHEME);
      if (g_strcmp0 (scheme, "http") == 0 || g_strcmp0 (scheme, "https") == 0)
        host = url_part (u, CURLUPART_HOST);
    }
  curl_url_cleanup (u);
  if (host != NULL && host[0] == '[')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);
      g_free (host);
      host = inner;
    }
  return host;
}

IotHttpRedirect
iot_http_classify_redirect (const char *request_url, const char *address, const char *location)
{
  g_return_val_if_fail (location != NULL, IOT_HTTP_REDIRECT_ELSEWHERE);
  g_autofree char *from = request_url != NULL ? host_of (request_url) : NULL;
  g_autofree char *to = host_of (location);
  if (to == NULL || to[0] == '\0')
    return IOT_HTTP_REDIRECT_ELSEWHERE;
  g_autofree char *addr = address != NULL ? g_strdup (address) : NULL;
  if (addr != NULL && strchr (addr, '%') != NULL)
    *strchr (addr, '%') = '\0';
  if ((from != NULL && g_ascii_strcasecmp (from, to) == 0)
      || (addr != NULL && g_ascii_strcasecmp (addr, to) == 0))
    return IOT_HTTP_REDIRECT_SAME_DEVICE;
  if (iot_http_address_is_local (to))
    return IOT_HTTP_REDIRECT_LOCAL;
  /* mDNS names are link-local by definition (RFC 6762). */
  if (g_str_has_suffix (to, ".local") || g_str_has_suffix (to, ".local."))
    return IOT_HTTP_REDIRECT_LOCAL;
  return IOT_HTTP_REDIRECT_ELSEWHERE;
}

/* --- the loop side ------------------------------------------------------------ */

static void check_done (IotHttp *http);

static gboolean
on_socket_ready (gint fd, GIOCondition cond, gpointer data)
{
  IotHttp *http = data;
  int flags = 0, running = 0;
  if (cond & G_IO_IN)
    flags |= CURL_CSELECT_IN;
  if (cond & G_IO_OUT)
    flags |= CURL_CSELECT_OUT;
  if (cond & (G_IO_ERR | G_IO_HUP))
    flags |= CURL_CSELECT_ERR;
  curl_multi_socket_action (http->multi, fd, flags, &running);
  check_done (http);
  return G_SOURCE_CONTINUE;
}

static int
on_curl_socket (CURL *easy, curl_socket_t fd, int what, void *user_data, void *socket_data)
{
  IotHttp *http = user_data;
  GSource *old = socket_data;
  if (old != NULL)
    {
      g_source_destroy (old);
      g_source_unref (old);
    }
  if (what == CURL_POLL_REMOVE)
    {
      curl_multi_assign (http->multi, fd, NULL);
      return 0;
    }
  GIOCondition cond = 0;
  if (what & CURL_POLL_IN)
    cond |= G_IO_IN;
  if (what & CURL_POLL_OUT)
    cond |= G_IO_OUT;
  GSource *src = g_unix_fd_source_new (fd, cond);
  g_source_set_callback (src, G_SOURCE_FUNC (on_socket_ready), http, NULL);
  g_source_set_name (src, "iot-http socket");
  g_source_attach (src, http->context);
  curl_multi_assign (http->multi, fd, src);
  return 0;
}

static gboolean
on_timer (gpointer data)
{
  IotHttp *http = data;
  int running = 0;
  GSource *self = g_steal_pointer (&http->timer);
  curl_multi_socket_action (http->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  g_source_unref (self);
  check_done (http);
  return G_SOURCE_REMOVE;
}

static int
on_curl_timer (CURLM *multi, long timeout_ms, void *user_data)
{
  IotHttp *http = user_data;
  if (http->timer != NULL)
    {
      g_source_destroy (http->timer);
      g_clear_pointer (&http->timer, g_source_unref);
    }
  if (timeout_ms >= 0)
    {
      http->timer = g_timeout_source_new ((guint) timeout_ms);
      g_source_set_callback (http->timer, on_timer, http, NULL);
      g_source_set_name (http->timer, "iot-http timer");
      g_source_attach (http->timer, http->context);
    }
  return 0;
}

IotHttp *
iot_http_new (void)
{
  global_init ();
  IotHttp *http = g_new0 (IotHttp, 1);
  http->context = g_main_context_ref_thread_default ();
  http->multi = curl_multi_init ();
  curl_multi_setopt (http->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
  curl_multi_setopt (http->multi, CURLMOPT_SOCKETDATA, http);
  curl_multi_setopt (http->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
  curl_multi_setopt (http->multi, CURLMOPT_TIMERDATA, http);
  return http;
}

guint
iot_http_count_active (IotHttp *http)
{
  g_return_val_if_fail (http != NULL, 0);
  return g_list_length (http->active);
}

/* --- transfers ---------------------------------------------------------------- */

static void
transfer_free (gpointer data)
{
  Transfer *t = data;
  if (t->easy != NULL)
    curl_easy_cleanup (t->easy);
  curl_slist_free_all (t->headers);
  if (t->body != NULL)
    g_byte_array_unref (t->body);
  g_free (t->www_authenticate);
  g_clear_pointer (&t->resp, iot_http_response_free);
  g_clear_error (&t->error);
  iot_http_request_free (t->req);
  g_free (t);
}

static gboolean
deliver (gpointer data)
{
  GTask *task = data;
  Transfer *t = g_task_get_task_data (task);
  if (t->error != NULL)
    g_task_return_error (task, g_steal_pointer (&t->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&t->resp), (GDestroyNotify) iot_http_response_free);
  return G_SOURCE_REMOVE;
}

static void
set_error (Transfer *t, IotHttpError code, const char *message)
{
  g_clear_error (&t->error);
  t->error = g_error_new_literal (IOT_HTTP_ERROR, code, message);
}

static const char *
tls_problem (long result)
{
  /* OpenSSL's X509_V_ERR_* numbers for the cases devices show. */
  switch (result)
    {
    case 9:
      return "certificate not yet valid";
    case 10:
      return "certificate expired";
    case 18:
      return "self-signed certificate";
    case 19:
      return "self-signed certificate in the chain";
    case 20:
    case 21:
      return "issuer unknown";
    case 62:
      return "host name does not match";
    default:
      return "certificate not verified";
    }
}

static void
make_response (Transfer *t)
{
  IotHttpResponse *r = g_new0 (IotHttpResponse, 1);
  long status = 0, verify = 0;
  char *s = NULL;
  curl_off_t total = 0;
  curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &status);
  r->status = (guint) status;
  if (curl_easy_getinfo (t->easy, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s != NULL)
    r->content_type = g_strdup (s);
  s = NULL;
  if (status >= 300 && status < 400 && curl_easy_getinfo (t->easy, CURLINFO_REDIRECT_URL, &s) == CURLE_OK
      && s != NULL)
    r->location = g_strdup (s);
  r->www_authenticate = g_steal_pointer (&t->www_authenticate);
  r->body = g_byte_array_free_to_bytes (g_steal_pointer (&t->body));
  r->tls = g_str_has_prefix (t->req->final_url, "https:");
  if (r->tls)
    {
      curl_easy_getinfo (t->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
      r->tls_verified = verify == 0;
      if (!r->tls_verified)
        r->tls_problem = g_strdup_printf ("%s (X509 error %ld)", tls_problem (verify), verify);
    }
  curl_easy_getinfo (t->easy, CURLINFO_TOTAL_TIME_T, &total);
  r->elapsed_us = total;
  t->resp = r;
}

/* Maps how a transfer ended to a response or an error. */
static void
conclude (Transfer *t, CURLcode code)
{
  long os_errno = 0;
  curl_off_t total = 0;
  curl_easy_getinfo (t->easy, CURLINFO_OS_ERRNO, &os_errno);
  curl_easy_getinfo (t->easy, CURLINFO_TOTAL_TIME_T, &total);
  if (code != CURLE_OK)
    g_debug ("http: %s %s: %s (%s)", t->req->method, t->req->final_url, curl_easy_strerror (code),
             t->errbuf);
  if (t->too_large || code == CURLE_FILESIZE_EXCEEDED)
    {
      set_error (t, IOT_HTTP_ERROR_TOO_LARGE, _("The device's answer is too large"));
      return;
    }
  switch (code)
    {
    case CURLE_OK:
      make_response (t);
      return;
    case CURLE_OPERATION_TIMEDOUT:
      if (total / 1000 + 50 >= (curl_off_t) t->req->timeout_ms || (t->header_bytes == 0 && t->body->len == 0))
        set_error (t, IOT_HTTP_ERROR_TIMED_OUT, _("The device did not answer in time"));
      else
        set_error (t, IOT_HTTP_ERROR_TOO_SLOW, _("The device sent its answer too slowly"));
      return;
    case CURLE_COULDNT_CONNECT:
      if (os_errno == ECONNREFUSED)
        set_error (t, IOT_HTTP_ERROR_REFUSED, _("The device refused the connection"));
      else
        set_error (t, IOT_HTTP_ERROR_UNREACHABLE, _("The device cannot be reached"));
      return;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      set_error (t, IOT_HTTP_ERROR_TLS, _("The secure connection to the device failed"));
      return;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
      set_error (t, IOT_HTTP_ERROR_BAD_RESPONSE, _("The device sent an invalid answer"));
      return;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      set_error (t, IOT_HTTP_ERROR_INVALID_URL, _("Not a valid device address"));
      return;
    default:
      set_error (t, IOT_HTTP_ERROR_FAILED, _("The request to the device failed"));
      return;
    }
}

/* Detaches @t from curl and the IotHttp and hands its outcome to the task
 * from an idle source. */
static void
transfer_finish (Transfer *t, CURLcode code, gboolean cancelled)
{
  IotHttp *http = t->http;
  g_return_if_fail (http != NULL);
  curl_multi_remove_handle (http->multi, t->easy);
  http->active = g_list_remove (http->active, t);
  if (t->cancel_source != NULL)
    {
      g_source_destroy (t->cancel_source);
      g_clear_pointer (&t->cancel_source, g_source_unref);
    }
  if (cancelled)
    t->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, g_dgettext ("glib20", "Operation was cancelled"));
  else
    conclude (t, code);
  curl_easy_cleanup (g_steal_pointer (&t->easy));
  t->http = NULL;
  GSource *idle = g_idle_source_new ();
  g_source_set_callback (idle, deliver, t->task, g_object_unref);
  g_source_set_name (idle, "iot-http deliver");
  g_source_attach (idle, http->context);
  g_source_unref (idle);
}

static void
check_done (IotHttp *http)
{
  CURLMsg *msg;
  int left = 0;
  while ((msg = curl_multi_info_read (http->multi, &left)) != NULL)
    {
      if (msg->msg != CURLMSG_DONE)
        continue;
      Transfer *t = NULL;
      CURLcode code = msg->data.result;
      curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &t);
      if (t != NULL)
        transfer_finish (t, code, FALSE);
    }
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer data)
{
  transfer_finish (data, CURLE_OK, TRUE);
  return G_SOURCE_REMOVE;
}

static size_t
on_body (char *ptr, size_t size, size_t nmemb, void *data)
{
  Transfer *t = data;
  size_t n = size * nmemb;
  if (t->body->len + n > t->req->max_body)
    {
      t->too_large = TRUE;
      return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
  g_byte_array_append (t->body, (const guint8 *) ptr, n);
  return n;
}

static size_t
on_header (char *ptr, size_t size, size_t nitems, void *data)
{
  Transfer *t = data;
  size_t n = size * nitems;
  static const char auth[] = "WWW-Authenticate:";
  t->header_bytes += n;
  if (t->header_bytes > t->req->max_headers)
    {
      t->too_large = TRUE;
      return 0;
    }
  if (n >= 5 && strncmp (ptr, "HTTP/", 5) == 0)
    {
      /* A new response (after an authentication round): forget the last. */
      g_clear_pointer (&t->www_authenticate, g_free);
      g_byte_array_set_size (t->body, 0);
    }
  else if (n > sizeof auth - 1 && g_ascii_strncasecmp (ptr, auth, sizeof auth - 1) == 0)
    {
      g_free (t->www_authenticate);
      t->www_authenticate = g_strstrip (g_strndup (ptr + sizeof auth - 1, n - (sizeof auth - 1)));
    }
  return n;
}

static void
setup_easy (Transfer *t)
{
  IotHttpRequest *req = t->req;
  CURL *e = t->easy;
  curl_easy_setopt (e, CURLOPT_URL, req->final_url);
  curl_easy_setopt (e, CURLOPT_PRIVATE, t);
  curl_easy_setopt (e, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt (e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (e, CURLOPT_FOLLOWLOCATION, 0L);
  /* Never through a proxy: the device is on this network, and http_proxy
   * in the environment must not see its credentials. */
  curl_easy_setopt (e, CURLOPT_PROXY, "");
  curl_easy_setopt (e, CURLOPT_NOPROXY, "*");
  curl_easy_setopt (e, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
  /* A device that rebooted leaves dead connections behind. */
  curl_easy_setopt (e, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt (e, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
  curl_easy_setopt (e, CURLOPT_TIMEOUT_MS, (long) req->timeout_ms);
  curl_easy_setopt (e, CURLOPT_CONNECTTIMEOUT_MS, (long) req->connect_ms);
  curl_easy_setopt (e, CURLOPT_LOW_SPEED_LIMIT, (long) req->low_limit);
  curl_easy_setopt (e, CURLOPT_LOW_SPEED_TIME, (long) req->low_time);
  curl_easy_setopt (e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) req->max_body);
  curl_easy_setopt (e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (e, CURLOPT_HEADERDATA, t);
  /* Device certificates are self-signed as a rule: connect, and report in
   * the response whether the chain verified (CURLINFO_SSL_VERIFYRESULT). */
  curl_easy_setopt (e, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt (e, CURLOPT_SSL_VERIFYHOST, 0L);

  if (strcmp (req->method, "HEAD") == 0)
    curl_easy_setopt (e, CURLOPT_NOBODY, 1L);
  else if (strcmp (req->method, "GET") != 0 || req->body != NULL)
    {
      gsize len = 0;
      const char *data = req->body != NULL ? g_bytes_get_data (req->body, &len) : NULL;
      curl_easy_setopt (e, CURLOPT_POSTFIELDS, data != NULL ? data : "");
      curl_easy_setopt (e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) len);
      if (strcmp (req->method, "POST") != 0)
        curl_easy_setopt (e, CURLOPT_CUSTOMREQUEST, req->method);
    }

  t->headers = curl_slist_append (t->headers, "Expect:");
  if (req->host_header != NULL)
    t->headers = curl_slist_append (t->headers, req->host_header);
  if (req->content_type != NULL)
    {
      g_autofree char *h = g_strdup_printf ("Content-Type: %s", req->content_type);
      t->headers = curl_slist_append (t->headers, h);
    }
  for (guint i = 0; i < req->headers->len; i++)
    t->headers = curl_slist_append (t->headers, req->headers->pdata[i]);
  curl_easy_setopt (e, CURLOPT_HTTPHEADER, t->headers);

  const char *secret = req->secret != NULL ? iot_secret_get (req->secret) : "";
  switch (req->auth)
    {
    case IOT_HTTP_AUTH_NONE:
      break;
    case IOT_HTTP_AUTH_BASIC:
    case IOT_HTTP_AUTH_DIGEST:
      curl_easy_setopt (e, CURLOPT_HTTPAUTH,
                        req->auth == IOT_HTTP_AUTH_BASIC ? CURLAUTH_BASIC : CURLAUTH_DIGEST);
      curl_easy_setopt (e, CURLOPT_USERNAME, req->user != NULL ? req->user : "");
      curl_easy_setopt (e, CURLOPT_PASSWORD, secret);
      break;
    case IOT_HTTP_AUTH_BEARER:
      curl_easy_setopt (e, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
      curl_easy_setopt (e, CURLOPT_XOAUTH2_BEARER, secret);
      break;
    }
}

void
iot_http_request_async (IotHttp *http, IotHttpRequest *req, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (http != NULL && req != NULL);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, iot_http_request_async);
  GError *error = NULL;
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (!prepare (req, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  Transfer *t = g_new0 (Transfer, 1);
  t->http = http;
  t->req = g_atomic_rc_box_acquire (req);
  t->task = task;
  t->body = g_byte_array_new ();
  g_task_set_task_data (task, t, transfer_free);
  t->easy = curl_easy_init ();
  setup_easy (t);
  if (cancellable != NULL)
    {
      t->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (t->cancel_source, G_SOURCE_FUNC (on_cancelled), t, NULL);
      g_source_attach (t->cancel_source, http->context);
    }
  http->active = g_list_prepend (http->active, t);
  CURLMcode mc = curl_multi_add_handle (http->multi, t->easy);
  if (mc != CURLM_OK)
    {
      g_warning ("http: curl_multi_add_handle: %s", curl_multi_strerror (mc));
      transfer_finish (t, CURLE_FAILED_INIT, FALSE);
    }
}

IotHttpResponse *
iot_http_request_finish (IotHttp *http, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
iot_http_free (IotHttp *http)
{
  if (http == NULL)
    return;
  while (http->active != NULL)
    transfer_finish (http->active->data, CURLE_OK, TRUE);
  curl_multi_cleanup (http->multi);
  if (http->timer != NULL)
    {
      g_source_destroy (http->timer);
      g_source_unref (http->timer);
    }
  g_main_context_unref (http->context);
  g_free (http);
}

void
iot_http_response_free (IotHttpResponse *resp)
{
  if (resp == NULL)
    return;
  g_free (resp->content_type);
  g_clear_pointer (&resp->body, g_bytes_unref);
  g_free (resp->location);
  g_free (resp->www_authenticate);
  g_free (resp->tls_problem);
  g_free (resp);
}

/* --- JSON ----------------------------------------------------------------- */

/* The deepest nesting of arrays and objects outside strings; stops counting
 * (and returns the limit + 1) once past @limit. */
static guint
json_depth (const char *data, gsize len, guint limit)
{
  guint depth = 0, max = 0;
  gboolean in_string = FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max)
            max = depth;
          if (max > limit)
            return max;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return max;
}

JsonNode *
iot_http_parse_json_data (const char *data, gsize len, GError **error)
{
  if (data == NULL)
    data = "";
  if (json_depth (data, len, IOT_HTTP_JSON_MAX_DEPTH) > IOT_HTTP_JSON_MAX_DEPTH)
    {
      g_set_error_literal (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_JSON_TOO_DEEP,
                           _("The device's answer is nested too deeply"));
      return NULL;
    }
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local = NULL;
  if (len > G_MAXSSIZE || !json_parser_load_from_data (parser, data, (gssize) len, &local)
      || json_parser_get_root (parser) == NULL)
    {
      if (local != NULL)
        g_debug ("http: bad JSON: %s", local->message);
      g_set_error_literal (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_BAD_JSON,
                           _("The device's answer is not valid JSON"));
      return NULL;
    }
  return json_parser_steal_root (parser);
}

JsonNode *
iot_http_parse_json (GBytes *body, GError **error)
{
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  return iot_http_parse_json_data (data, len, error);
}
