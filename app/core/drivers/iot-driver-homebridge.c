/* SPDX-License-Identifier: GPL-3.0-or-later
 * The Homebridge web page driver (homebridge-config-ui-x 4.x, REST on port
 * 8581). An unclaimed page (setupWizardComplete false: whoever comes first
 * becomes admin) is claimed by creating its first user, "admin", with the
 * new password; a claimed one is logged into with the password it has now
 * (4.42.0 starts with admin/admin) and the password is changed. Either way
 * the driver then logs in with the new password, and verification asks the
 * page to log in with nothing, the old password and the new one. Bearer
 * tokens are credentials too: they live in IotSecrets, and the reply they
 * came in is wiped once they are taken out. The accessory reset only
 * rewrites config.json (a new HomeKit username and PIN) and deletes the
 * pairings: Homebridge takes them up when it restarts, so the driver asks
 * the page to restart it and waits until the page has gone and come back.
 */
#include "config.h"

#include "iot-driver-homebridge.h"

#include "app/core/iot-qr.h"
#include "app/core/iot-sanitize.h"

#include <glib/gi18n.h>
#include <string.h>

#define HOMEBRIDGE_UI_PORT 8581
/* The one account this driver creates and logs in as. */
#define HOMEBRIDGE_USER "admin"
#define FIELD_MAX 128
/* Room for two fully escaped secrets and the keys: the body is built in
 * one allocation, so no reallocation leaves a copy of a password behind. */
#define BODY_ROOM (2 * IOT_SECRET_MAX * 6 + 256)

typedef enum
{
  OP_IDENTIFY,
  OP_SET_PASSWORD,
  OP_VERIFY,
  OP_CHECK_UPDATE,
  OP_RESET,
} OpKind;

/* The answer a request waits for (op->awaiting). */
typedef enum
{
  REPLY_SETTINGS,
  REPLY_LOGIN,
  REPLY_CHANGED, /* create-first-user, change-password, the reset */
  REPLY_VERSION,
  REPLY_POLL, /* the page, while Homebridge restarts */
} Reply;

typedef IotDriverOp Op;

static void op_step (GTask *task);

/* --- bodies ------------------------------------------------------------------ */

static void
append_json_string (GString *s, const char *v, gsize len)
{
  g_string_append_c (s, '"');
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) v[i];
      if (c == '"' || c == '\\')
        {
          g_string_append_c (s, '\\');
          g_string_append_c (s, (char) c);
        }
      else if (c < 0x20)
        g_string_append_printf (s, "\\u%04x", c);
      else
        g_string_append_c (s, (char) c);
    }
  g_string_append_c (s, '"');
}

/* {"k1":"v1","k2":"v2"} from secrets (and the literal @extra members),
 * wiped when the request lets go of it. */
static GBytes *
secret_body (const char *k1, const IotSecret *v1, const char *k2, const IotSecret *v2, const char *extra)
{
  GString *s = g_string_sized_new (BODY_ROOM);
  g_string_append_c (s, '{');
  g_string_append_printf (s, "\"%s\":", k1);
  append_json_string (s, iot_secret_get (v1), iot_secret_len (v1));
  g_string_append_printf (s, ",\"%s\":", k2);
  append_json_string (s, iot_secret_get (v2), iot_secret_len (v2));
  if (extra != NULL)
    g_string_append_printf (s, ",%s", extra);
  g_string_append_c (s, '}');
  gsize len = s->len;
  char *text = g_string_free (s, FALSE);
  return g_bytes_new_with_free_func (text, len, (GDestroyNotify) iot_str_wipe_free, text);
}

/* --- answers ----------------------------------------------------------------- */

static void
set_bad_reply (GError **error)
{
  g_set_error_literal (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_BAD_REPLY,
                       _("The device's answer is not what its API documents"));
}

static gboolean
is_refusal (guint status)
{
  return status == 400 || status == 401 || status == 403;
}

/* The error for an answer that is neither success nor what was asked. */
static void
set_status_error (guint status, GError **error)
{
  if (is_refusal (status))
    g_set_error_literal (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_AUTH, _("The device refused the password"));
  else
    g_set_error_literal (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_DEVICE, _("The device reported an error"));
}

static JsonObject *
object_or_null (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* @name's node when it holds a value of @type, else NULL. */
static JsonNode *
value_member (JsonObject *o, const char *name, GType type)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;
  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == type ? n : NULL;
}

/* @name's string as the device sent it (not for display), or NULL. */
static const char *
raw_string_member (JsonObject *o, const char *name)
{
  JsonNode *n = value_member (o, name, G_TYPE_STRING);
  const char *s = n != NULL ? json_node_get_string (n) : NULL;
  return s != NULL && s[0] != '\0' ? s : NULL;
}

static char *
string_member (JsonObject *o, const char *name)
{
  const char *s = raw_string_member (o, name);
  return s != NULL ? iot_sanitize_text (s, -1, FIELD_MAX) : NULL;
}

gboolean
iot_homebridge_parse_settings (guint status, GBytes *body, gboolean *claimed, GError **error)
{
  g_autoptr (JsonNode) root = status == 200 ? iot_http_parse_json (body, NULL) : NULL;
  JsonObject *o = object_or_null (root);
  /* 4.76.0 answers it inside "env". */
  JsonObject *env = o != NULL ? object_or_null (json_object_get_member (o, "env")) : NULL;
  JsonNode *done = o != NULL ? json_object_get_member (o, "setupWizardComplete") : NULL;
  if (done == NULL && env != NULL)
    done = json_object_get_member (env, "setupWizardComplete");
  if (done != NULL && JSON_NODE_HOLDS_VALUE (done) && json_node_get_value_type (done) == G_TYPE_BOOLEAN)
    {
      *claimed = json_node_get_boolean (done);
      return TRUE;
    }
  /* 4.42.0 predates the setup wizard: it always has an account. */
  if (o == NULL)
    {
      set_bad_reply (error);
      return FALSE;
    }
  *claimed = TRUE;
  return TRUE;
}

/* The access token of a login reply, into a secret; the reply's bytes
 * and the parsed copy are wiped. NULL when there is none. */
static IotSecret *
take_token (GBytes *body)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  g_autoptr (JsonNode) root = iot_http_parse_json (body, NULL);
  IotSecret *token = NULL;
  JsonNode *n = value_member (object_or_null (root), "access_token", G_TYPE_STRING);
  if (n != NULL)
    {
      const char *t = json_node_get_string (n);
      if (t != NULL && t[0] != '\0')
        token = iot_secret_new_from (t, -1);
      if (t != NULL)
        explicit_bzero ((char *) t, strlen (t));
    }
  if (token == NULL)
    g_debug ("homebridge: no token in a %" G_GSIZE_FORMAT "-byte reply", len);
  if (data != NULL)
    explicit_bzero ((char *) data, len);
  return token;
}

gboolean
iot_homebridge_parse_login (guint status, GBytes *body, IotSecret **token, GError **error)
{
  *token = NULL;
  if (status == 200 || status == 201)
    {
      *token = take_token (body);
      return TRUE;
    }
  if (!is_refusal (status))
    set_status_error (status, error);
  return FALSE;
}

gboolean
iot_homebridge_parse_changed (guint status, GError **error)
{
  if (status == 200 || status == 201)
    return TRUE;
  g_debug ("homebridge: a change was answered %u", status);
  set_status_error (status, error);
  return FALSE;
}

IotDriverUpdate *
iot_homebridge_parse_version (guint status, GBytes *body, char **app, GError **error)
{
  if (app != NULL)
    *app = NULL;
  if (status != 200)
    {
      set_status_error (status, error);
      return NULL;
    }
  g_autoptr (JsonNode) root = iot_http_parse_json (body, NULL);
  JsonObject *o = object_or_null (root);
  g_autofree char *installed = string_member (o, "installedVersion");
  if (installed == NULL)
    {
      set_bad_reply (error);
      return NULL;
    }
  IotDriverUpdate *u = g_new0 (IotDriverUpdate, 1);
  g_autofree char *latest = string_member (o, "latestVersion");
  JsonNode *avail = value_member (o, "updateAvailable", G_TYPE_BOOLEAN);
  if (avail != NULL && json_node_get_boolean (avail) && latest != NULL)
    u->available = g_steal_pointer (&latest);
  /* Offline, the page answers updateAvailable:false without a latest
   * version (or with its own): it does not know, it is not up to date.
   * Compared as sent: two versions can look the same once sanitized and
   * cut to length (found by the fuzzer: they differed in a bidi mark). */
  else
    u->unknown = latest == NULL
                 || g_strcmp0 (raw_string_member (o, "latestVersion"), raw_string_member (o, "installedVersion")) != 0;
  u->current = g_steal_pointer (&installed);
  if (app != NULL)
    *app = string_member (o, "name");
  return u;
}

/* --- one request ------------------------------------------------------------- */

static void on_reply (GObject *source, GAsyncResult *result, gpointer data);

/* Sends one request; its answer goes to the handler for @awaiting. */
static void
request (GTask *task, const char *method, const char *path, GBytes *body, const IotSecret *token,
         Reply awaiting)
{
  Op *op = g_task_get_task_data (task);
  IotDriverDevice *dev = op->dev;
  g_autofree char *plain = g_strdup (dev->address);
  if (strchr (plain, '%') != NULL)
    *strchr (plain, '%') = '\0';
  g_autofree char *url = NULL;
  if (dev->host != NULL)
    url = g_strdup_printf ("http://%s:%u%s", dev->host, dev->port, path);
  else if (strchr (plain, ':') != NULL)
    url = g_strdup_printf ("http://[%s]:%u%s", plain, dev->port, path);
  else
    url = g_strdup_printf ("http://%s:%u%s", plain, dev->port, path);
  g_autoptr (IotHttpRequest) req = iot_http_request_new (method, url);
  iot_http_request_set_address (req, dev->address);
  if (body != NULL)
    iot_http_request_set_body (req, "application/json", body);
  iot_http_request_set_timeout (req, dev->request_timeout_ms,
                                MIN (dev->request_timeout_ms, (guint) IOT_HTTP_DEFAULT_CONNECT_TIMEOUT_MS));
  if (token != NULL)
    iot_http_request_set_auth (req, IOT_HTTP_AUTH_BEARER, NULL, token);
  op->awaiting = awaiting;
  iot_http_request_async (dev->http, req, g_task_get_cancellable (task), on_reply, task);
}

/* A login body for @user and @password. */
static GBytes *
login_body (const char *user, const IotSecret *password)
{
  g_autoptr (IotSecret) u = iot_secret_new_from (user, -1);
  return secret_body ("username", u, "password", password, NULL);
}

static void
login (GTask *task, const IotSecret *password)
{
  g_autoptr (GBytes) body = login_body (HOMEBRIDGE_USER, password);
  request (task, "POST", "/api/auth/login", body, NULL, REPLY_LOGIN);
}

/* What the page shows, with @firmware and @app when known. */
static void
return_info (GTask *task, char *firmware, char *app)
{
  Op *op = g_task_get_task_data (task);
  IotDriverInfo *info = g_new0 (IotDriverInfo, 1);
  info->id = g_strdup ("homebridge");
  info->firmware = firmware;
  info->app = app;
  info->auth_enabled = op->claimed;
  g_task_return_pointer (task, info, (GDestroyNotify) iot_driver_info_free);
  g_object_unref (task);
}

static void
next_step (GTask *task, Op *op)
{
  op->step++;
  op_step (task);
}

/* --- the steps --------------------------------------------------------------- */

static void
on_settings (GTask *task, Op *op, IotHttpResponse *resp)
{
  GError *error = NULL;
  if (!iot_homebridge_parse_settings (resp->status, resp->body, &op->claimed, &error))
    {
      iot_driver_op_return_error (task, error);
      return;
    }
  next_step (task, op);
}

static void
on_login (GTask *task, Op *op, IotHttpResponse *resp)
{
  GError *error = NULL;
  g_clear_pointer (&op->token, iot_secret_free);
  gboolean accepted = iot_homebridge_parse_login (resp->status, resp->body, &op->token, &error);
  if (op->kind == OP_VERIFY)
    {
      if (error != NULL)
        {
          iot_driver_op_return_error (task, error);
          return;
        }
      if (op->step == 1)
        op->verify->no_password_refused = op->claimed && !accepted;
      else if (op->step == 2)
        op->verify->old_password_refused = !accepted;
      else
        op->verify->new_password_accepted = accepted;
      next_step (task, op);
      return;
    }
  if (!accepted)
    {
      if (op->kind == OP_SET_PASSWORD && op->step == 3)
        {
          g_clear_error (&error);
          iot_driver_op_fail (task, IOT_DRIVER_ERROR_UNCHANGED, _("The device did not accept the new password"));
        }
      else if (error == NULL)
        iot_driver_op_fail (task, IOT_DRIVER_ERROR_AUTH, _("The device refused the password"));
      else
        iot_driver_op_return_error (task, error);
      return;
    }
  if (op->token == NULL)
    {
      iot_driver_op_fail (task, IOT_DRIVER_ERROR_BAD_REPLY, _("The device's answer is not what its API documents"));
      return;
    }
  if (op->kind == OP_SET_PASSWORD && op->step == 3)
    {
      iot_driver_device_set_credential (op->dev, op->password);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  next_step (task, op);
}

static void
on_changed (GTask *task, Op *op, IotHttpResponse *resp)
{
  GError *error = NULL;
  if (!iot_homebridge_parse_changed (resp->status, &error))
    iot_driver_op_return_error (task, error);
  else if (op->kind == OP_RESET)
    {
      /* 2: the reset was taken, now the restart; 3: the restart was taken. */
      if (op->step == 3)
        {
          op->started = g_get_monotonic_time ();
          iot_driver_op_progress (op, IOT_DRIVER_PHASE_SENT);
        }
      next_step (task, op);
    }
  else
    {
      op->step = 3; /* log in with the new password */
      op_step (task);
    }
}

static void
on_version (GTask *task, Op *op, IotHttpResponse *resp)
{
  GError *error = NULL;
  char *app = NULL;
  IotDriverUpdate *u = iot_homebridge_parse_version (resp->status, resp->body, &app, &error);
  if (u == NULL)
    iot_driver_op_return_error (task, error);
  else if (op->kind == OP_IDENTIFY)
    {
      return_info (task, g_steal_pointer (&u->current), app);
      iot_driver_update_free (u);
    }
  else
    {
      g_free (app);
      g_task_return_pointer (task, u, (GDestroyNotify) iot_driver_update_free);
      g_object_unref (task);
    }
}

static void
poll_page (GTask *task)
{
  op_step (task);
}

/* A poll of the page while Homebridge restarts (@resp NULL: no answer). It
 * must be seen gone (the page goes down with it) before an answer counts as
 * "back", or the answer could come from before the restart. */
static void
on_polled (GTask *task, Op *op, IotHttpResponse *resp)
{
  if (resp == NULL || resp->status != 200 || !op->seen_down)
    {
      gboolean down = resp == NULL || resp->status != 200;
      iot_driver_op_progress (op, down && !op->seen_down ? IOT_DRIVER_PHASE_DOWN : IOT_DRIVER_PHASE_WAITING);
      op->seen_down = op->seen_down || down;
      iot_driver_op_poll_later (task, poll_page);
      return;
    }
  iot_driver_op_progress (op, IOT_DRIVER_PHASE_BACK);
  return_info (task, NULL, NULL);
}

static void
on_reply (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (IotHttpResponse) resp = iot_http_request_finish (op->dev->http, result, &error);
  if (resp == NULL && op->awaiting == REPLY_POLL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      on_polled (task, op, NULL);
      return;
    }
  if (resp == NULL)
    {
      iot_driver_op_return_error (task, error);
      return;
    }
  switch ((Reply) op->awaiting)
    {
    case REPLY_SETTINGS:
      on_settings (task, op, resp);
      break;
    case REPLY_LOGIN:
      on_login (task, op, resp);
      break;
    case REPLY_CHANGED:
      on_changed (task, op, resp);
      break;
    case REPLY_VERSION:
      on_version (task, op, resp);
      break;
    case REPLY_POLL:
      on_polled (task, op, resp);
      break;
    }
}

/* Logs in with the credential the assistant holds, or fails: the page
 * tells no one anything without an account. */
static void
login_current (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  if (op->dev->credential == NULL)
    iot_driver_op_fail (task, IOT_DRIVER_ERROR_AUTH, _("The device refused the password"));
  else
    login (task, op->dev->credential);
}

static void
op_step (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  if (op->step == 0)
    {
      request (task, "GET", "/api/auth/settings", NULL, NULL, REPLY_SETTINGS);
      return;
    }
  switch ((OpKind) op->kind)
    {
    case OP_IDENTIFY:
    case OP_CHECK_UPDATE:
      if (op->step == 1 && (op->dev->credential != NULL || op->kind == OP_CHECK_UPDATE))
        login_current (task);
      else if (op->step == 1)
        return_info (task, NULL, NULL); /* no account known: what the page shows anyone */
      else
        request (task, "GET", "/api/status/homebridge-version", NULL, op->token, REPLY_VERSION);
      return;
    case OP_RESET:
      if (op->step == 1)
        login_current (task);
      else if (op->step == 2)
        request (task, "PUT", "/api/server/reset-homebridge-accessory", NULL, op->token, REPLY_CHANGED);
      else if (op->step == 3)
        request (task, "PUT", "/api/server/restart", NULL, op->token, REPLY_CHANGED);
      else
        request (task, "GET", "/api/auth/settings", NULL, NULL, REPLY_POLL);
      return;
    case OP_SET_PASSWORD:
      if (op->step == 1 && !op->claimed)
        {
          /* Claim it: the first user becomes admin, with the new password. */
          g_autoptr (IotSecret) user = iot_secret_new_from (HOMEBRIDGE_USER, -1);
          g_autoptr (GBytes) body = secret_body ("username", user, "password", op->password,
                                                 "\"name\":\"Administrator\",\"admin\":true");
          request (task, "POST", "/api/setup-wizard/create-first-user", body, NULL, REPLY_CHANGED);
        }
      else if (op->step == 1)
        login_current (task);
      else if (op->step == 2)
        {
          g_autoptr (GBytes) body = secret_body ("currentPassword", op->dev->credential, "newPassword",
                                                 op->password, NULL);
          request (task, "POST", "/api/users/change-password", body, op->token, REPLY_CHANGED);
        }
      else
        login (task, op->password);
      return;
    case OP_VERIFY:
      {
        if (op->step > 3)
          {
            iot_driver_op_return_verify (task);
            return;
          }
        g_autoptr (IotSecret) empty = iot_secret_new ();
        g_autoptr (IotSecret) def = iot_secret_new_from ("admin", -1);
        const IotSecret *which = op->step == 1   ? empty
                                 : op->step == 2 ? (op->old != NULL ? op->old : def)
                                                 : op->password;
        login (task, which);
        return;
      }
    }
}

static void
hb_identify (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  op_step (iot_driver_op_new (dev, OP_IDENTIFY, NULL, cancellable, callback, user_data));
}

static void
hb_set_password (IotDriverDevice *dev, const IotSecret *password, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  op_step (iot_driver_op_new (dev, OP_SET_PASSWORD, password, cancellable, callback, user_data));
}

/* @old NULL: the published default (admin) is tried as the old one, so a
 * claimed page is never taken as safe while admin/admin still works. */
static void
hb_verify_password (IotDriverDevice *dev, const IotSecret *old, const IotSecret *password,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  op_step (iot_driver_op_new_verify (dev, OP_VERIFY, old, password, cancellable, callback, user_data));
}

static void
hb_check_update (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
  op_step (iot_driver_op_new (dev, OP_CHECK_UPDATE, NULL, cancellable, callback, user_data));
}

/* Resets the bridge's HomeKit identity (pairings, accessory cache, a new
 * username and setup code), restarts Homebridge so that it announces the
 * new identity, and returns once the page answers again. The web page's
 * accounts, its config.json otherwise and the plugins are not touched:
 * dev->credential stays valid. */
static void
hb_factory_reset (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  op_step (iot_driver_op_new (dev, OP_RESET, NULL, cancellable, callback, user_data));
}

const IotDriver iot_driver_homebridge_ui = {
  .name = "homebridge-ui",
  .port = HOMEBRIDGE_UI_PORT,
  .identify = hb_identify,
  .set_password = hb_set_password,
  .verify_password = hb_verify_password,
  .check_update = hb_check_update,
  .factory_reset = hb_factory_reset,
};
