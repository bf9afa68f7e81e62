/* SPDX-License-Identifier: GPL-3.0-or-later
 * Probing checks over HTTP (see iot-checks-http.h). Each check is a small
 * state machine on the main loop: one request at a time, each with its own
 * timeout, all cancelled through the task's cancellable. Every answer is
 * hostile: bodies are parsed depth-checked, nothing from them reaches the
 * evidence unsanitized.
 */
#include "config.h"

#include "iot-checks-http.h"

#include "iot-checks-facts.h"
#include "iot-sanitize.h"

#include <glib/gi18n.h>
#include <string.h>

/* --- decisions on recorded answers ----------------------------------------- */

IotHttpAuth
iot_http_challenge_scheme (const char *h)
{
  if (h == NULL)
    return IOT_HTTP_AUTH_NONE;
  while (*h == ' ' || *h == '\t')
    h++;
  /* Several challenges may share one header; the first one we speak wins,
   * Digest before Basic (the password does not cross the wire). */
  g_autofree char *lower = g_ascii_strdown (h, -1);
  if (g_str_has_prefix (lower, "digest") || strstr (lower, ", digest ") != NULL)
    return IOT_HTTP_AUTH_DIGEST;
  if (g_str_has_prefix (lower, "basic") || strstr (lower, ", basic ") != NULL)
    return IOT_HTTP_AUTH_BASIC;
  return IOT_HTTP_AUTH_NONE;
}

IotCheckResult *
iot_check_decide_http_logins (const IotCheck *check, const IotHttpLogins *l)
{
  if (l == NULL || l->n_tried == 0)
    return NULL;
  if (l->accepted_user != NULL)
    /* Translators: %s: the user name; %s: how (e.g. "HTTP Basic"); %s: a web address */
    return iot_check_result_newf (
      check, IOT_CHECK_FAIL,
      _("A documented default login (user name “%s”) was accepted by %s at %s: anyone "
        "who knows the default can take over the device."),
      l->accepted_user, l->how, l->url);
  return iot_check_result_newf (check, IOT_CHECK_PASS,
                                ngettext ("%u default login tried at %s (%s): refused.",
                                          "%u default logins tried at %s (%s): all refused.",
                                          l->n_tried),
                                l->n_tried, l->url, l->how);
}

IotCheckResult *
iot_check_decide_shelly_login (const IotCheck *check, const char *url, const IotDriverInfo *info,
                               guint unauth_status, const IotHttpLogins *logins)
{
  g_return_val_if_fail (info != NULL, NULL);
  if (!info->auth_enabled)
    return iot_check_result_newf (
      check, IOT_CHECK_FAIL,
      _("The device's web interface and API need no password (auth_en false): anyone on "
        "the network can control it at %s."),
      url);
  IotCheckResult *r = iot_check_decide_http_logins (check, logins);
  if (r && r->status == IOT_CHECK_FAIL)
    return r;
  iot_check_result_free (r);
  if (unauth_status != 401)
    return iot_check_result_newf (
      check, IOT_CHECK_FAIL,
      _("It reports a password (auth_en true), but a call without one was not refused at %s "
        "(HTTP %u)."),
      url, unauth_status);
  guint tried = logins ? logins->n_tried : 0;
  if (tried == 0)
    return iot_check_result_newf (
      check, IOT_CHECK_PASS,
      _("A password is set: a call without one was refused (HTTP 401) at %s; no default "
        "password is documented for this device."),
      url);
  return iot_check_result_newf (
    check, IOT_CHECK_PASS,
    ngettext ("A password is set: a call without one was refused (HTTP 401) at %s, and %u "
              "documented default login was refused.",
              "A password is set: a call without one was refused (HTTP 401) at %s, and %u "
              "documented default logins were refused.",
              tried),
    url, tried);
}

IotCheckResult *
iot_check_decide_homebridge_settings (const IotCheck *check, const char *url, guint status,
                                      GBytes *body)
{
  if (status != 200 || body == NULL)
    return NULL;
  g_autoptr (JsonNode) root = iot_http_parse_json (body, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  JsonObject *o = json_node_get_object (root);
  /* UI 4.76.0 reports it under "env"; the top level is looked at too. */
  JsonNode *done = json_object_get_member (o, "setupWizardComplete");
  JsonNode *env = json_object_get_member (o, "env");
  if (done == NULL && env != NULL && JSON_NODE_HOLDS_OBJECT (env))
    done = json_object_get_member (json_node_get_object (env), "setupWizardComplete");
  if (done == NULL || !JSON_NODE_HOLDS_VALUE (done)
      || json_node_get_value_type (done) != G_TYPE_BOOLEAN || json_node_get_boolean (done))
    return NULL;
  return iot_check_result_newf (
    check, IOT_CHECK_FAIL,
    _("Unclaimed: anyone on the network can create the admin account (setupWizardComplete "
      "false at %s)."),
    url);
}

IotCheckResult *
iot_check_decide_admin_page (const IotCheck *check, const char *url, guint status)
{
  if (status < 200 || status > 299)
    return NULL;
  return iot_check_result_newf (
    check, IOT_CHECK_FAIL,
    _("Its admin page opens without any password: %s (HTTP %u). Anyone on the network can "
      "change its settings."),
    url, status);
}

IotCheckResult *
iot_check_decide_http_transport (const IotCheck *check, const IotHttpTransport *t)
{
  if (t->query_credentials && t->http_url)
    return iot_check_result_newf (
      check, IOT_CHECK_FAIL,
      _("Its web commands carry the user name and password in the address (…?user=…&"
        "password=…) over plain HTTP at %s: anyone on the network, and every log on the way, "
        "can read them."),
      t->http_url);
  if (t->query_credentials)
    return iot_check_result_new (
      check, IOT_CHECK_FAIL,
      _("Its web commands carry the user name and password in the address (…?user=…&"
        "password=…) over plain HTTP: anyone on the network, and every log on the way, can "
        "read them."));
  if (t->https_url != NULL && t->tls_verified)
    return iot_check_result_newf (check, IOT_CHECK_PASS,
                                  _("Its web interface is encrypted, with a certificate that "
                                    "verifies: %s."),
                                  t->https_url);
  if (t->https_url != NULL)
    /* Translators: %s: a web address; %s: the problem, in English, e.g. "self-signed certificate" */
    return iot_check_result_newf (
      check, IOT_CHECK_WARN,
      _("Encrypted, but the certificate does not verify (%s) at %s: not authenticated, so "
        "another device could pretend to be this one."),
      t->tls_problem ? t->tls_problem : "?", t->https_url);
  if (t->http_url == NULL)
    return NULL;
  if (t->login && t->login_auth == IOT_HTTP_AUTH_DIGEST)
    return iot_check_result_newf (
      check, IOT_CHECK_WARN,
      _("Its login uses HTTP Digest over plain HTTP at %s: the password itself is not sent, "
        "but everything else can be read and changed on the network."),
      t->http_url);
  if (t->login)
    return iot_check_result_newf (
      check, IOT_CHECK_FAIL,
      _("Its login sends the password in clear over plain HTTP at %s (%s): anyone on the "
        "network can read it."),
      t->http_url,
      t->login_auth == IOT_HTTP_AUTH_BASIC ? "HTTP Basic" : _("the web page's login"));
  return iot_check_result_newf (check, IOT_CHECK_WARN,
                                _("Its web interface is offered only over plain HTTP, "
                                  "without encryption: %s."),
                                t->http_url);
}

/* --- what to probe ---------------------------------------------------------- */

/* The device's first local address: IPv4 first, else IPv6 with its zone. */
static char *
dup_local_address (const IotDevice *device, gboolean *ipv6)
{
  g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (device);
  for (int want6 = 0; want6 < 2; want6++)
    for (guint i = 0; i < addrs->len; i++)
      {
        const IotAddress *a = addrs->pdata[i];
        gboolean is6 = strchr (a->address, ':') != NULL;
        if (is6 != (gboolean) want6)
          continue;
        g_autofree char *full = is6 && g_str_has_prefix (a->address, "fe80:") && a->ifname[0]
                                  ? g_strdup_printf ("%s%%%s", a->address, a->ifname)
                                  : g_strdup (a->address);
        if (iot_http_address_is_local (full))
          {
            *ipv6 = is6;
            return g_steal_pointer (&full);
          }
      }
  return NULL;
}

static const IotService *
find_service (const IotDevice *d, const char *type)
{
  for (guint i = 0; i < d->services->len; i++)
    {
      const IotService *s = d->services->pdata[i];
      if (g_ascii_strcasecmp (s->type, type) == 0 && s->port != 0)
        return s;
    }
  return NULL;
}

static char *
dup_txt (const IotDevice *d, const char *type, const char *key)
{
  const IotService *s = find_service (d, type);
  const IotTxtEntry *e = s && s->txt ? iot_txt_lookup (s->txt, key) : NULL;
  if (e == NULL || e->value == NULL)
    return NULL;
  gsize len;
  const char *data = g_bytes_get_data (e->value, &len);
  return iot_check_dup_url_without_userinfo (data, len);
}

typedef enum
{
  MODE_NONE,
  MODE_SHELLY,
  MODE_HOMEBRIDGE,
  MODE_ADMIN_PAGE, /* a printer's adminurl */
  MODE_GENERIC,    /* a web page that may ask for HTTP Basic/Digest */
} Mode;

typedef struct
{
  Mode mode;
  char *address;    /* where every request goes */
  char *authority;  /* address[:port] for URLs: "198.18.0.10:80", "[fe80::1]:80" */
  char *url;        /* the page or API to probe, with the address as host */
  char *shown_url;  /* the same for the evidence (an adminurl as the device gave it) */
  guint16 https_port;
} Target;

static void
target_clear (Target *t)
{
  g_free (t->address);
  g_free (t->authority);
  g_free (t->url);
  g_free (t->shown_url);
}

static char *
authority (const char *address, gboolean ipv6, guint port)
{
  g_auto (GStrv) parts = g_strsplit (address, "%", 2);
  return ipv6 ? g_strdup_printf ("[%s]:%u", parts[0], port) : g_strdup_printf ("%s:%u", parts[0], port);
}

/* The path of an adminurl ("/" when it has none); NULL when it is not a
 * plain http(s) URL. Only the path is kept: the request goes to the device's
 * own address whatever host the URL names. */
static char *
url_path (const char *url, gboolean *https, guint *port)
{
  const char *rest;
  if (g_ascii_strncasecmp (url, "https://", 8) == 0)
    *https = TRUE, rest = url + 8;
  else if (g_ascii_strncasecmp (url, "http://", 7) == 0)
    *https = FALSE, rest = url + 7;
  else
    return NULL;
  const char *slash = rest + strcspn (rest, "/?#");
  /* The port: after "]" of an IPv6 literal, else after the last ":". */
  const char *host_end = rest;
  if (*rest == '[')
    {
      const char *close = memchr (rest, ']', slash - rest);
      if (close == NULL)
        return NULL;
      host_end = close;
    }
  const char *colon = NULL;
  for (const char *p = host_end; p < slash; p++)
    if (*p == ':')
      colon = p;
  *port = *https ? 443 : 80;
  if (colon)
    {
      guint64 v = g_ascii_strtoull (colon + 1, NULL, 10);
      if (v == 0 || v > 65535)
        return NULL;
      *port = (guint) v;
    }
  char *path = *slash == '/' ? g_strndup (slash, strcspn (slash, "#")) : g_strdup ("/");
  /* Only printable ASCII goes into a request line. */
  for (char *p = path; *p; p++)
    if (*p <= ' ' || *p > '~')
      {
        g_free (path);
        return NULL;
      }
  return path;
}

/* What the checks probe on this device, if anything. */
static gboolean
target_find (const IotCheckContext *ctx, Target *t)
{
  const IotDevice *d = ctx->device;
  const IotProfile *p = ctx->profile;
  memset (t, 0, sizeof *t);
  gboolean ipv6 = FALSE;
  t->address = d ? dup_local_address (d, &ipv6) : NULL;
  if (t->address == NULL)
    return FALSE;
  const IotService *ipps = find_service (d, "_ipps._tcp");
  const IotService *https = find_service (d, "_https._tcp");
  t->https_port = https ? https->port : ipps ? ipps->port : 443;
  const IotService *http = find_service (d, "_http._tcp");
  const IotService *shelly = find_service (d, "_shelly._tcp");
  g_autofree char *adminurl = dup_txt (d, "_ipp._tcp", "adminurl");
  if (adminurl == NULL)
    adminurl = dup_txt (d, "_ipps._tcp", "adminurl");

  if (p && g_strcmp0 (p->driver, "shelly-gen2") == 0 && (http || shelly))
    {
      t->mode = MODE_SHELLY;
      t->authority = authority (t->address, ipv6, (shelly ? shelly : http)->port);
      t->url = g_strdup_printf ("http://%s/rpc", t->authority);
    }
  else if (p && g_strcmp0 (p->driver, "homebridge-ui") == 0 && p->web_port)
    {
      t->mode = MODE_HOMEBRIDGE;
      t->authority = authority (t->address, ipv6, p->web_port);
      t->url = g_strdup_printf ("http://%s/", t->authority);
    }
  else if (adminurl)
    {
      gboolean is_https;
      guint port;
      g_autofree char *path = url_path (adminurl, &is_https, &port);
      if (path == NULL)
        return FALSE;
      t->mode = MODE_ADMIN_PAGE;
      t->authority = authority (t->address, ipv6, port);
      t->url = g_strdup_printf ("%s://%s%s", is_https ? "https" : "http", t->authority, path);
      t->shown_url = g_steal_pointer (&adminurl);
      if (is_https)
        t->https_port = port;
    }
  else if (http)
    {
      g_autofree char *path = dup_txt (d, "_http._tcp", "path");
      static const char safe[] = "/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%";
      if (path == NULL || path[0] != '/' || strspn (path, safe) != strlen (path))
        {
          g_free (path);
          path = g_strdup ("/");
        }
      t->mode = MODE_GENERIC;
      t->authority = authority (t->address, ipv6, http->port);
      t->url = g_strdup_printf ("http://%s%s", t->authority, path);
    }
  else
    return FALSE;
  if (t->shown_url == NULL)
    t->shown_url = g_strdup (t->url);
  return TRUE;
}

/* --- probing ---------------------------------------------------------------- */

typedef struct
{
  const IotCheck *check;
  IotCheckContext ctx;
  GTask *task;
  IotHttp *http;
  IotDriverDevice *dev;
  Target target;
  int step;
  /* logins */
  GPtrArray *creds; /* IotCredential*, borrowed from the profile / owned list */
  GPtrArray *generic; /* the owned generic list */
  guint next_cred;
  IotHttpAuth auth;
  const char *how;
  IotHttpLogins logins;
  char *accepted_user;
  /* Shelly */
  IotDriverInfo *info;
  guint unauth_status;
  /* transport */
  IotHttpTransport transport;
  char *http_url, *https_url, *tls_problem;
} Probe;

static void
probe_free (Probe *pr)
{
  g_clear_pointer (&pr->dev, iot_driver_device_free);
  g_clear_pointer (&pr->http, iot_http_free);
  target_clear (&pr->target);
  g_clear_pointer (&pr->creds, g_ptr_array_unref);
  g_clear_pointer (&pr->generic, g_ptr_array_unref);
  g_clear_pointer (&pr->info, iot_driver_info_free);
  g_free (pr->accepted_user);
  g_free (pr->http_url);
  g_free (pr->https_url);
  g_free (pr->tls_problem);
  g_date_time_unref (pr->ctx.now);
  g_free (pr);
}

static void
probe_return (Probe *pr, IotCheckResult *result)
{
  GTask *task = pr->task;
  g_task_return_pointer (task, result, (GDestroyNotify) iot_check_result_free);
  probe_free (pr);
  g_object_unref (task);
}

static void
probe_fail (Probe *pr, GError *error)
{
  GTask *task = pr->task;
  g_task_return_error (task, error);
  probe_free (pr);
  g_object_unref (task);
}

static Probe *
probe_new (const IotCheck *check, const IotCheckContext *ctx, GTask *task)
{
  Probe *pr = g_new0 (Probe, 1);
  pr->check = check;
  pr->ctx = *ctx;
  pr->ctx.now = g_date_time_ref (ctx->now);
  pr->task = g_object_ref (task);
  return pr;
}

static void
probe_send (Probe *pr, const char *method, const char *url, const char *content_type,
            const char *body, IotHttpAuth auth, const char *user, const char *password,
            GAsyncReadyCallback cb)
{
  if (pr->http == NULL)
    pr->http = iot_http_new ();
  g_autoptr (IotHttpRequest) req = iot_http_request_new (method, url);
  iot_http_request_set_address (req, pr->target.address);
  iot_http_request_set_timeout (req, IOT_HTTP_PROBE_TIMEOUT_MS, IOT_HTTP_PROBE_CONNECT_MS);
  iot_http_request_set_max_body (req, 64 * 1024);
  if (body)
    {
      g_autoptr (GBytes) b = g_bytes_new (body, strlen (body));
      iot_http_request_set_body (req, content_type, b);
    }
  if (auth != IOT_HTTP_AUTH_NONE)
    {
      g_autoptr (IotSecret) s = iot_secret_new_from (password, -1);
      iot_http_request_set_auth (req, auth, user, s);
    }
  iot_http_request_async (pr->http, req, g_task_get_cancellable (pr->task), cb, pr);
}

/* The credentials to try: the profile's documented defaults with a
 * password, then (@with_generic) the generic list; no pair twice, at most
 * IOT_HTTP_MAX_LOGINS. */
static void
collect_credentials (Probe *pr, gboolean with_generic)
{
  pr->creds = g_ptr_array_new ();
  GPtrArray *lists[2] = { pr->ctx.profile ? pr->ctx.profile->default_credentials : NULL, NULL };
  if (with_generic)
    {
      g_autofree char *path = iot_credentials_default_path ();
      pr->generic = iot_credentials_load (path, NULL);
      lists[1] = pr->generic;
    }
  for (guint l = 0; l < 2; l++)
    for (guint i = 0; lists[l] && i < lists[l]->len && pr->creds->len < IOT_HTTP_MAX_LOGINS; i++)
      {
        IotCredential *c = lists[l]->pdata[i];
        /* An empty password is "no password": the request without one
         * already showed what the device does then. */
        if (c->password == NULL || c->password[0] == '\0')
          continue;
        gboolean dup = FALSE;
        for (guint j = 0; j < pr->creds->len && !dup; j++)
          {
            IotCredential *o = pr->creds->pdata[j];
            dup = strcmp (o->user, c->user) == 0 && strcmp (o->password, c->password) == 0;
          }
        if (!dup)
          g_ptr_array_add (pr->creds, c);
      }
}

/* G1 ------------------------------------------------------------------------- */

static void login_next (Probe *pr);

static void
login_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Probe *pr = data;
  GError *error = NULL;
  g_autoptr (IotHttpResponse) resp = iot_http_request_finish (pr->http, res, &error);
  if (resp == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || pr->logins.n_tried == 0)
        {
          probe_fail (pr, error);
          return;
        }
      /* A device that stops answering mid-way: report what was tried. */
      g_clear_error (&error);
      pr->next_cred = pr->creds->len;
      login_next (pr);
      return;
    }
  IotCredential *c = pr->creds->pdata[pr->next_cred - 1];
  pr->logins.n_tried++;
  /* Homebridge answers a login with 201; web pages with 2xx. */
  if (resp->status >= 200 && resp->status <= 299)
    pr->accepted_user = iot_sanitize_text (c->user, -1, 64);
  login_next (pr);
}

static void
login_next (Probe *pr)
{
  if (pr->accepted_user == NULL && pr->next_cred < pr->creds->len)
    {
      IotCredential *c = pr->creds->pdata[pr->next_cred++];
      if (pr->target.mode == MODE_HOMEBRIDGE)
        {
          g_autoptr (JsonBuilder) b = json_builder_new ();
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "username");
          json_builder_add_string_value (b, c->user);
          json_builder_set_member_name (b, "password");
          json_builder_add_string_value (b, c->password);
          json_builder_end_object (b);
          g_autoptr (JsonNode) root = json_builder_get_root (b);
          g_autofree char *body = json_to_string (root, FALSE);
          g_autofree char *url = g_strdup_printf ("http://%s/api/auth/login", pr->target.authority);
          probe_send (pr, "POST", url, "application/json", body, IOT_HTTP_AUTH_NONE, NULL, NULL,
                      login_done);
        }
      else if (pr->target.mode == MODE_SHELLY)
        probe_send (pr, "POST", pr->target.url, "application/json",
                    "{\"id\":1,\"method\":\"Shelly.GetStatus\"}", IOT_HTTP_AUTH_DIGEST, c->user,
                    c->password, login_done);
      else
        probe_send (pr, "GET", pr->target.url, NULL, NULL, pr->auth, c->user, c->password,
                    login_done);
      return;
    }
  pr->logins.url = pr->target.shown_url;
  pr->logins.how = pr->how;
  pr->logins.accepted_user = pr->accepted_user;
  if (pr->target.mode == MODE_SHELLY)
    probe_return (pr, iot_check_decide_shelly_login (pr->check, pr->target.shown_url, pr->info,
                                                     pr->unauth_status, &pr->logins));
  else
    probe_return (pr, iot_check_decide_http_logins (pr->check, &pr->logins));
}

/* The answer, or NULL when the request failed: the probe has failed
 * with its error then (and is gone). */
static IotHttpResponse *
finish_or_fail (Probe *pr, GAsyncResult *res)
{
  GError *error = NULL;
  IotHttpResponse *resp = iot_http_request_finish (pr->http, res, &error);
  if (resp == NULL)
    probe_fail (pr, error);
  return resp;
}

static void
shelly_unauth_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Probe *pr = data;
  g_autoptr (IotHttpResponse) resp = finish_or_fail (pr, res);
  if (resp == NULL)
    return;
  pr->unauth_status = resp->status;
  pr->how = "HTTP Digest";
  collect_credentials (pr, FALSE);
  login_next (pr);
}

static void
shelly_identified (GObject *source, GAsyncResult *res, gpointer data)
{
  Probe *pr = data;
  GError *error = NULL;
  pr->info = iot_driver_info_finish (res, &error);
  if (pr->info == NULL)
    {
      probe_fail (pr, error);
      return;
    }
  if (!pr->info->auth_enabled)
    {
      probe_return (pr, iot_check_decide_shelly_login (pr->check, pr->target.shown_url, pr->info,
                                                       0, NULL));
      return;
    }
  /* Shelly.GetStatus needs auth when auth is on: it must be refused. */
  probe_send (pr, "POST", pr->target.url, "application/json",
              "{\"id\":1,\"method\":\"Shelly.GetStatus\"}", IOT_HTTP_AUTH_NONE, NULL, NULL,
              shelly_unauth_done);
}

static void
homebridge_settings_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Probe *pr = data;
  g_autoptr (IotHttpResponse) resp = finish_or_fail (pr, res);
  if (resp == NULL)
    return;
  g_autofree char *url = g_strdup_printf ("http://%s/api/auth/settings", pr->target.authority);
  IotCheckResult *r =
    iot_check_decide_homebridge_settings (pr->check, url, resp->status, resp->body);
  if (r)
    {
      probe_return (pr, r);
      return;
    }
  g_free (pr->target.shown_url);
  pr->target.shown_url = g_strdup_printf ("http://%s/api/auth/login", pr->target.authority);
  pr->how = _("the web page's login");
  collect_credentials (pr, FALSE);
  login_next (pr);
}

static void
page_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Probe *pr = data;
  GError *error = NULL;
  g_autoptr (IotHttpResponse) resp = iot_http_request_finish (pr->http, res, &error);
  if (resp == NULL && pr->target.mode == MODE_ADMIN_PAGE && g_str_has_prefix (pr->target.url, "https:")
      && (g_error_matches (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_TLS)
          || g_error_matches (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_BAD_RESPONSE)))
    {
      /* An https adminurl on a port that speaks only plain HTTP (as
       * ippeveprinter without TLS credentials does): the page is there all
       * the same, so ask for it the way the port answers. */
      g_clear_error (&error);
      char *plain = g_strdup_printf ("http:%s", pr->target.url + strlen ("https:"));
      /* Translators: the admin page's address as the device announces it, then where it answered */
      char *shown = g_strdup_printf (_("%s, reached at %s"), pr->target.shown_url, plain);
      g_free (pr->target.url);
      g_free (pr->target.shown_url);
      pr->target.url = plain;
      pr->target.shown_url = shown;
      probe_send (pr, "GET", pr->target.url, NULL, NULL, IOT_HTTP_AUTH_NONE, NULL, NULL, page_done);
      return;
    }
  if (resp == NULL)
    {
      if (pr->target.mode == MODE_GENERIC && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Nothing answers on the port it announces: nothing to say. */
          g_clear_error (&error);
          probe_return (pr, NULL);
          return;
        }
      probe_fail (pr, error);
      return;
    }
  if (pr->target.mode == MODE_ADMIN_PAGE)
    {
      IotCheckResult *r = iot_check_decide_admin_page (pr->check, pr->target.shown_url, resp->status);
      if (r)
        {
          probe_return (pr, r);
          return;
        }
    }
  /* Logins only where the page asks for one we speak. */
  pr->auth = resp->status == 401 ? iot_http_challenge_scheme (resp->www_authenticate)
                                  : IOT_HTTP_AUTH_NONE;
  if (pr->auth == IOT_HTTP_AUTH_NONE)
    {
      probe_return (pr, NULL);
      return;
    }
  pr->how = pr->auth == IOT_HTTP_AUTH_DIGEST ? "HTTP Digest" : "HTTP Basic";
  collect_credentials (pr, TRUE);
  login_next (pr);
}

static void
start_login (const IotCheck *check, const IotCheckContext *ctx, GTask *task)
{
  Probe *pr = probe_new (check, ctx, task);
  if (ctx->profile && !ctx->profile->has_password)
    {
      probe_return (pr, NULL); /* setup codes: password-kind says so */
      return;
    }
  if (!target_find (ctx, &pr->target))
    {
      probe_return (pr, NULL);
      return;
    }
  switch (pr->target.mode)
    {
    case MODE_SHELLY:
      {
        pr->http = iot_http_new ();
        guint port = 80;
        const char *colon = strrchr (pr->target.authority, ':');
        if (colon)
          port = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
        pr->dev = iot_driver_device_new (pr->http, pr->target.address, (guint16) port);
        pr->dev->request_timeout_ms = IOT_HTTP_PROBE_TIMEOUT_MS;
        iot_driver_shelly_gen2.identify (pr->dev, g_task_get_cancellable (task), shelly_identified,
                                         pr);
        break;
      }
    case MODE_HOMEBRIDGE:
      {
        g_autofree char *url = g_strdup_printf ("http://%s/api/auth/settings", pr->target.authority);
        probe_send (pr, "GET", url, NULL, NULL, IOT_HTTP_AUTH_NONE, NULL, NULL,
                    homebridge_settings_done);
        break;
      }
    case MODE_ADMIN_PAGE:
    case MODE_GENERIC:
      probe_send (pr, "GET", pr->target.url, NULL, NULL, IOT_HTTP_AUTH_NONE, NULL, NULL, page_done);
      break;
    case MODE_NONE:
    default:
      probe_return (pr, NULL);
      break;
    }
}

/* G5 ------------------------------------------------------------------------- */

static void
transport_decide (Probe *pr)
{
  pr->transport.http_url = pr->http_url;
  pr->transport.https_url = pr->https_url;
  pr->transport.tls_problem = pr->tls_problem;
  pr->transport.query_credentials = pr->ctx.profile && pr->ctx.profile->credentials_in_url;
  probe_return (pr, iot_check_decide_http_transport (pr->check, &pr->transport));
}

/* The answer to a request whose failure only means "not there": NULL when
 * it failed. A cancellation ends the probe instead (*@ended). */
static IotHttpResponse *
finish_or_absent (Probe *pr, GAsyncResult *res, gboolean *ended)
{
  GError *error = NULL;
  IotHttpResponse *resp = iot_http_request_finish (pr->http, res, &error);
  *ended = resp == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (*ended)
    probe_fail (pr, error);
  else
    g_clear_error (&error);
  return resp;
}

/* The device's HTTPS root page. */
static char *
https_root (const Probe *pr)
{
  g_autofree char *auth = authority (pr->target.address, strchr (pr->target.address, ':') != NULL,
                                     pr->target.https_port);
  return g_strdup_printf ("https://%s/", auth);
}

static void
https_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Probe *pr = data;
  gboolean ended;
  g_autoptr (IotHttpResponse) resp = finish_or_absent (pr, res, &ended);
  if (ended)
    return;
  if (resp != NULL) /* else: no HTTPS there */
    {
      pr->https_url = https_root (pr);
      pr->transport.tls_verified = resp->tls_verified;
      pr->tls_problem = g_strdup (resp->tls_problem);
    }
  transport_decide (pr);
}

static void
transport_try_https (Probe *pr)
{
  g_autofree char *url = https_root (pr);
  probe_send (pr, "GET", url, NULL, NULL, IOT_HTTP_AUTH_NONE, NULL, NULL, https_done);
}

static void
http_page_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Probe *pr = data;
  gboolean ended;
  g_autoptr (IotHttpResponse) resp = finish_or_absent (pr, res, &ended);
  if (ended)
    return;
  if (resp != NULL)
    {
      pr->http_url = g_strdup (pr->target.url);
      if (resp->status == 401)
        {
          pr->transport.login = TRUE;
          pr->transport.login_auth = iot_http_challenge_scheme (resp->www_authenticate);
        }
      /* The Homebridge UI logs in with a JSON form: the password is in the body. */
      if (pr->target.mode == MODE_HOMEBRIDGE)
        pr->transport.login = TRUE, pr->transport.login_auth = IOT_HTTP_AUTH_NONE;
    }
  transport_try_https (pr);
}

static void
start_transport (const IotCheck *check, const IotCheckContext *ctx, GTask *task)
{
  Probe *pr = probe_new (check, ctx, task);
  if (!target_find (ctx, &pr->target))
    {
      /* Nothing to probe, but the profile may know its API leaks credentials. */
      if (ctx->profile && ctx->profile->credentials_in_url)
        {
          transport_decide (pr);
          return;
        }
      probe_return (pr, NULL);
      return;
    }
  g_autofree char *url = NULL;
  if (pr->target.mode == MODE_SHELLY)
    {
      /* A call that needs auth when auth is on: 401 shows the login. */
      g_free (pr->target.url);
      const char *a = pr->target.authority;
      pr->target.url = g_strdup_printf ("http://%s/rpc/Shelly.GetStatus", a);
    }
  else if (pr->target.mode == MODE_ADMIN_PAGE && g_str_has_prefix (pr->target.url, "https:"))
    {
      /* The admin page is on HTTPS; its cleartext twin, if any, is _http._tcp. */
      const IotService *http = find_service (ctx->device, "_http._tcp");
      if (http == NULL)
        {
          transport_try_https (pr);
          return;
        }
      gboolean ipv6 = strchr (pr->target.address, ':') != NULL;
      g_free (pr->target.authority);
      pr->target.authority = authority (pr->target.address, ipv6, http->port);
      g_free (pr->target.url);
      pr->target.url = g_strdup_printf ("http://%s/", pr->target.authority);
    }
  probe_send (pr, "GET", pr->target.url, NULL, NULL, IOT_HTTP_AUTH_NONE, NULL, NULL, http_page_done);
}

static const IotCheck checks[] = {
  { .id = "http-default-login", .guidelines = { 1 }, .etsi = { "5.1-1", "5.1-2" },
    .timeout_ms = 40000, .start = start_login },
  { .id = "http-transport", .guidelines = { 5 }, .etsi = { "5.5-1", "5.5-5" },
    .timeout_ms = 20000, .start = start_transport },
};

const IotCheck *const *
iot_checks_http (guint *n)
{
  static const IotCheck *list[G_N_ELEMENTS (checks)];
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    list[i] = &checks[i];
  *n = G_N_ELEMENTS (checks);
  return list;
}
