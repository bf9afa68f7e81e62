/* SPDX-License-Identifier: GPL-3.0-or-later
 * Verifying a password the person set by guided steps (see
 * iot-password-guided.h). SSH logins block, so they run in a worker thread
 * that looks at the cancellable between logins; the settings page is asked
 * with iot-http on the loop. One timer bounds the whole verification.
 *
 * The new password goes to the device only after the old default was
 * refused, and over SSH only to the host key the first login saw: a
 * machine that answered in its place the second time learns nothing.
 * On a settings page it goes only over TLS or with Digest: the published
 * defaults may cross the LAN in clear, the person's new secret may not.
 */
#include "config.h"

#include "iot-password-guided.h"

#include "iot-checks-http.h"
#include "iot-checks-probe.h"
#include "iot-device-url.h"
#include "iot-http.h"
#include "iot-sanitize.h"

#include <glib/gi18n.h>
#include <libssh/libssh.h>
#include <string.h>

#define SSH_CALL_TIMEOUT_S 4 /* libssh's limit per blocking call */
#define WEB_REQUEST_MS 4000
#define MAX_OLD 3

static const IotCheck guided_check = {
  .id = IOT_PASSWORD_APPLY_CHECK_ID,
  .guidelines = { 1, 0 },
  .etsi = { "ETSI EN 303 645 provision 5.1-1", "UK PSTI Schedule 1, paragraph 1", NULL },
};

struct _IotPasswordGuided
{
  IotGuidedKind kind;
  IotHttp *http;
  char *address; /* where to verify: IPv4 for SSH; any local one for the page */
  guint16 port;
  char *user;    /* SSH: the account; web: the admin user name */
  char *login;   /* SSH: "ssh user@host" */
  char *url;     /* web: the settings page */
  char *where;   /* display-safe, for the evidence */
  GPtrArray *old; /* char*: the published defaults for user */
  guint timeout_ms;
};

/* ---- the decision ------------------------------------------------------------- */

static IotApplyReport *
report_new (IotApplyOutcome outcome, IotCheckStatus status, const char *evidence, const char *what,
            const char *state)
{
  IotApplyReport *r = g_new0 (IotApplyReport, 1);
  r->outcome = outcome;
  r->result = iot_check_result_new (&guided_check, status, evidence);
  r->what = g_strdup (what);
  r->state = g_strdup (state);
  return r;
}

IotApplyReport *
iot_password_guided_decide (const IotGuidedSeen *s)
{
  g_return_val_if_fail (s != NULL, NULL);
  const char *unknown = _("Unknown: do not rely on either password.");
  if (s->kind == IOT_GUIDED_NONE)
    {
      const char *manual = _("You set the password by the guided steps; the assistant could not check it.");
      return report_new (IOT_APPLY_MANUAL, IOT_CHECK_MANUAL, manual, manual,
                         _("It has the new password, as you confirmed."));
    }
  if (!s->reached)
    {
      const char *gone = _("Not verified: the device did not answer, so the password could not be checked.");
      return report_new (IOT_APPLY_GONE, IOT_CHECK_WARN, gone, gone, unknown);
    }
  if (s->kind == IOT_GUIDED_WEB && !s->asks_login)
    {
      const char *open = _("You set the password by the guided steps, but the device's settings page "
                           "still opens without one.");
      return report_new (IOT_APPLY_NOT_VERIFIED, IOT_CHECK_FAIL, open, open,
                         _("It still has its old password."));
    }
  if (s->n_old_refused < s->n_old)
    {
      g_autofree char *evidence =
          g_strdup_printf (_("Not verified: after the change, %s."), _("the old password still works"));
      return report_new (IOT_APPLY_NOT_VERIFIED, IOT_CHECK_FAIL, evidence,
                         _("The old password still works. Set the new one again, then check once more."),
                         _("It still has its old password."));
    }
  if (s->kind == IOT_GUIDED_WEB && s->in_clear)
    {
      const char *clear = _("The settings page now asks for a password and refuses the default one. The "
                            "assistant did not send your new password to check it, because this page would "
                            "carry it unencrypted.");
      return report_new (IOT_APPLY_MANUAL, IOT_CHECK_MANUAL, clear, clear,
                         _("It has the new password, as you confirmed."));
    }
  if (s->key_changed)
    {
      const char *moved = _("Not verified: the device's SSH key changed between two logins, so the new "
                            "password was not sent.");
      return report_new (IOT_APPLY_NOT_VERIFIED, IOT_CHECK_WARN, moved, moved, unknown);
    }
  if (!s->new_accepted)
    {
      g_autofree char *evidence =
          g_strdup_printf (_("Not verified: after the change, %s."), _("the new password was not accepted"));
      return report_new (IOT_APPLY_NOT_VERIFIED, IOT_CHECK_WARN, evidence,
                         _("The old password is refused, but the new one was not accepted either: perhaps "
                           "it was mistyped. Set it again, then check once more."),
                         unknown);
    }
  g_autofree char *evidence =
      s->kind == IOT_GUIDED_SSH
          ? g_strdup_printf (_("Verified over SSH (%s): a login with the old default password was refused, "
                               "and the new password was accepted."),
                             s->where)
          : g_strdup_printf (_("Verified on the settings page (%s): it asks for a login, a login without a "
                               "password or with the old default was refused, and the new password was "
                               "accepted."),
                             s->where);
  /* What happened is the verification itself: the person sees how it was checked. */
  return report_new (IOT_APPLY_VERIFIED, IOT_CHECK_PASS, evidence, evidence, _("It has the new password."));
}

/* ---- what to verify against ---------------------------------------------------- */

/* A name a shell takes as one plain word: letters, digits, '-', '.'. */
static gboolean
plain_host (const char *host)
{
  if (host == NULL || *host == '\0' || *host == '-' || *host == '.' || strlen (host) > 253)
    return FALSE;
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

char *
iot_password_guided_login_command (const char *user, const char *host, const char *address)
{
  if (user == NULL || *user == '\0' || !plain_host (user))
    return NULL;
  if (plain_host (host))
    return g_strdup_printf ("ssh %s@%s", user, host);
  if (address != NULL)
    return g_strdup_printf ("ssh %s@%s", user, address);
  return NULL;
}

static void
add_old (GPtrArray *old, const char *password)
{
  if (old->len >= MAX_OLD || password == NULL)
    return;
  for (guint i = 0; i < old->len; i++)
    if (strcmp (old->pdata[i], password) == 0)
      return;
  g_ptr_array_add (old, g_strdup (password));
}

/* The published passwords of @user: the profile's, then (SSH) the generic
 * list's. A settings page's own default is usually none at all, which the
 * first request already tries; the botnet list would only cost the
 * device's login delay per guess. */
static void
collect_old (IotPasswordGuided *g, const IotProfile *profile)
{
  g_autofree char *path = iot_credentials_default_path ();
  g_autoptr (GPtrArray) generic = g->kind == IOT_GUIDED_WEB ? NULL : iot_credentials_load (path, NULL);
  GPtrArray *lists[] = { profile != NULL ? profile->default_credentials : NULL, generic };
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      {
        const IotCredential *c = lists[l]->pdata[i];
        if (g_strcmp0 (c->user, g->user) == 0 && (g->kind == IOT_GUIDED_WEB || *c->password != '\0'))
          add_old (g->old, c->password);
      }
}

static guint16
ssh_port (const IotDevice *device)
{
  static const char *const types[] = { "_ssh._tcp", "_sftp-ssh._tcp" };
  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    for (guint i = 0; i < device->services->len; i++)
      {
        const IotService *s = device->services->pdata[i];
        if (g_ascii_strcasecmp (s->type, types[t]) == 0 && s->port != 0)
          return s->port;
      }
  return 0;
}

static const char *
first_user (const IotProfile *profile)
{
  for (guint i = 0; profile != NULL && profile->default_credentials != NULL
                    && i < profile->default_credentials->len; i++)
    {
      const IotCredential *c = profile->default_credentials->pdata[i];
      if (c->user != NULL && *c->user != '\0')
        return c->user;
    }
  return NULL;
}

IotPasswordGuided *
iot_password_guided_new (IotHttp *http, const IotDevice *device, const IotProfile *profile)
{
  g_return_val_if_fail (http != NULL && device != NULL, NULL);
  IotPasswordGuided *g = g_new0 (IotPasswordGuided, 1);
  g->http = http;
  g->timeout_ms = IOT_PASSWORD_GUIDED_TIMEOUT_MS;
  g->old = g_ptr_array_new_with_free_func (g_free);
  guint16 port = ssh_port (device);
  gboolean ssh = port != 0 || (profile != NULL && g_strcmp0 (profile->driver, "ssh") == 0);
  if (ssh)
    {
      g->address = iot_probe_dup_local_address (device);
      g->port = port != 0 ? port : 22;
      g->user = g_strdup (first_user (profile));
      g->login = iot_password_guided_login_command (g->user, device->host, g->address);
      collect_old (g, profile);
      /* Without a known old password there is nothing to show refused. */
      if (g->user != NULL && g->address != NULL && g->old->len > 0)
        {
          g->kind = IOT_GUIDED_SSH;
          g->where = g_strdup_printf ("%s@%s", g->user, g->address);
        }
      return g;
    }
  g->url = iot_device_dup_admin_url (device);
  g->address = iot_device_dup_local_address (device);
  if (g->url != NULL && g->address != NULL)
    {
      g->kind = IOT_GUIDED_WEB;
      /* Printers' settings pages log in as admin unless the profile names another. */
      const char *user = first_user (profile);
      g->user = g_strdup (user != NULL ? user : "admin");
      g->where = iot_sanitize_text (g->url, -1, 0);
      collect_old (g, profile);
    }
  return g;
}

void
iot_password_guided_free (IotPasswordGuided *g)
{
  if (g == NULL)
    return;
  g_free (g->address);
  g_free (g->user);
  g_free (g->login);
  g_free (g->url);
  g_free (g->where);
  g_ptr_array_unref (g->old);
  g_free (g);
}

IotGuidedKind
iot_password_guided_get_kind (const IotPasswordGuided *g)
{
  return g->kind;
}

const char *
iot_password_guided_get_login (const IotPasswordGuided *g)
{
  return g->login;
}

const char *
iot_password_guided_get_old (const IotPasswordGuided *g)
{
  return g->old->len > 0 && *(const char *) g->old->pdata[0] != '\0' ? g->old->pdata[0] : NULL;
}

void
iot_password_guided_set_timeout (IotPasswordGuided *g, guint timeout_ms)
{
  g->timeout_ms = timeout_ms;
}

/* ---- one run ------------------------------------------------------------------ */

/* Main thread only. Freed when the last piece of work (the worker, or the
 * last HTTP request) has come back, which may be after the caller got its
 * answer from the timer, or after the caller (and its IotPasswordGuided)
 * went away: so it keeps copies of what it needs. */
typedef struct
{
  GTask *task; /* the caller's; NULL once answered */
  IotHttp *http; /* the session's; outlives every request */
  char *address, *user, *where;
  guint16 port;
  GPtrArray *old; /* a reference to the guided's list, never changed after _new */
  IotSecret *password; /* created and freed on the main thread; the worker only reads it */
  GCancellable *internal;
  GCancellable *outer;
  gulong outer_handler;
  guint timer;
  gint64 started;
  IotGuidedSeen seen;
  /* web */
  char *url;
  IotHttpAuth auth; /* the scheme the page asks for */
  guint next_old;
} Run;

static void
run_free (Run *run)
{
  g_clear_handle_id (&run->timer, g_source_remove);
  if (run->outer != NULL)
    {
      g_cancellable_disconnect (run->outer, run->outer_handler);
      g_object_unref (run->outer);
    }
  g_clear_object (&run->internal);
  iot_secret_free (run->password);
  g_free (run->url);
  g_free (run->address);
  g_free (run->user);
  g_free (run->where);
  g_ptr_array_unref (run->old);
  g_free (run);
}

static void
run_answer (Run *run, IotApplyReport *report)
{
  if (run->task == NULL)
    {
      iot_apply_report_free (report);
      return;
    }
  GTask *task = g_steal_pointer (&run->task);
  if (report != NULL)
    report->verify_ms = (g_get_monotonic_time () - run->started) / 1000;
  if (g_cancellable_is_cancelled (run->outer) || report == NULL)
    {
      iot_apply_report_free (report);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
    }
  else
    g_task_return_pointer (task, report, (GDestroyNotify) iot_apply_report_free);
  g_object_unref (task);
}

static void
run_decide (Run *run)
{
  run_answer (run, iot_password_guided_decide (&run->seen));
}

static gboolean
on_timeout (gpointer data)
{
  Run *run = data;
  run->timer = 0;
  g_cancellable_cancel (run->internal);
  if (run->task != NULL && !g_cancellable_is_cancelled (run->outer))
    {
      const char *late = _("Not verified: the device did not answer, so the password could not be checked.");
      IotApplyReport *r = g_new0 (IotApplyReport, 1);
      r->outcome = IOT_APPLY_GONE;
      r->result = iot_check_result_new (&guided_check, IOT_CHECK_WARN, late);
      r->what = g_strdup_printf ("%s %s", late, _("It did not finish in time."));
      r->state = g_strdup (_("Unknown: do not rely on either password."));
      run_answer (run, r);
    }
  return G_SOURCE_REMOVE;
}

static void
on_outer_cancelled (GCancellable *outer, gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

/* ---- SSH (worker thread) ------------------------------------------------------- */

typedef enum
{
  LOGIN_UNREACHED,
  LOGIN_REFUSED,
  LOGIN_ACCEPTED,
  LOGIN_KEY_CHANGED,
} LoginResult;

/* The worker's copy of what it needs; the results go to run->seen only
 * on the main thread. */
typedef struct
{
  char *address, *user;
  guint16 port;
  GPtrArray *old; /* char* */
  const IotSecret *password; /* borrowed from the Run, which outlives the worker */
  IotGuidedSeen seen;
  unsigned char *key; /* the host key's SHA-256, from the first login */
  size_t key_len;
} SshJob;

static void
ssh_job_free (gpointer data)
{
  SshJob *job = data;
  g_free (job->address);
  g_free (job->user);
  g_ptr_array_unref (job->old);
  if (job->key != NULL)
    ssh_clean_pubkey_hash (&job->key);
  g_free (job);
}

/* TRUE when the server shows the host key the first login saw (and
 * remembers it on the first). */
static gboolean
ssh_same_key (SshJob *job, ssh_session s)
{
  ssh_key key = NULL;
  unsigned char *hash = NULL;
  size_t len = 0;
  if (ssh_get_server_publickey (s, &key) != SSH_OK)
    return FALSE;
  int rc = ssh_get_publickey_hash (key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len);
  ssh_key_free (key);
  if (rc != 0)
    return FALSE;
  if (job->key == NULL)
    {
      job->key = hash;
      job->key_len = len;
      return TRUE;
    }
  gboolean same = len == job->key_len && memcmp (hash, job->key, len) == 0;
  ssh_clean_pubkey_hash (&hash);
  return same;
}

/* One password login in its own connection. The host key is checked
 * before the password is sent. */
static LoginResult
ssh_login (SshJob *job, const char *password)
{
  ssh_session s = ssh_new ();
  if (s == NULL)
    return LOGIN_UNREACHED;
  long timeout = SSH_CALL_TIMEOUT_S;
  unsigned int port = job->port;
  int no = 0;
  ssh_options_set (s, SSH_OPTIONS_HOST, job->address);
  ssh_options_set (s, SSH_OPTIONS_PORT, &port);
  ssh_options_set (s, SSH_OPTIONS_USER, job->user);
  ssh_options_set (s, SSH_OPTIONS_TIMEOUT, &timeout);
  /* Neither ~/.ssh/config nor a proxy command of the user's applies. */
  ssh_options_set (s, SSH_OPTIONS_PROCESS_CONFIG, &no);
  LoginResult result = LOGIN_UNREACHED;
  if (ssh_connect (s) == SSH_OK)
    {
      if (!ssh_same_key (job, s))
        result = LOGIN_KEY_CHANGED;
      else
        {
          int rc = ssh_userauth_password (s, NULL, password);
          /* PARTIAL: the password was right, and the server wants more. */
          result = rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_PARTIAL ? LOGIN_ACCEPTED
                   : rc == SSH_AUTH_DENIED                         ? LOGIN_REFUSED
                                                                   : LOGIN_UNREACHED;
        }
      ssh_disconnect (s);
    }
  ssh_free (s);
  return result;
}

static void
ssh_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  SshJob *job = data;
  IotGuidedSeen *seen = &job->seen;
  seen->asks_login = TRUE;
  /* The old defaults first: while one works, the new password is not sent at all. */
  for (guint i = 0; i < job->old->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      LoginResult r = ssh_login (job, job->old->pdata[i]);
      if (r == LOGIN_UNREACHED || r == LOGIN_KEY_CHANGED)
        {
          seen->key_changed = r == LOGIN_KEY_CHANGED;
          seen->reached = seen->key_changed;
          g_task_return_boolean (task, TRUE);
          return;
        }
      seen->reached = TRUE;
      seen->n_old++;
      if (r == LOGIN_ACCEPTED)
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
      seen->n_old_refused++;
    }
  if (!g_cancellable_is_cancelled (cancellable))
    {
      LoginResult r = ssh_login (job, iot_secret_get (job->password));
      seen->new_tried = TRUE;
      seen->reached = seen->reached || r != LOGIN_UNREACHED;
      seen->key_changed = r == LOGIN_KEY_CHANGED;
      seen->new_accepted = r == LOGIN_ACCEPTED;
    }
  g_task_return_boolean (task, TRUE);
}

static void
ssh_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;
  SshJob *job = g_task_get_task_data (G_TASK (result));
  run->seen = job->seen;
  run->seen.kind = IOT_GUIDED_SSH;
  run->seen.where = run->where;
  g_debug ("guided: ssh old %u/%u refused, new %s", run->seen.n_old_refused, run->seen.n_old,
           run->seen.new_accepted ? "accepted" : "not accepted");
  run_decide (run);
  run_free (run);
}

static void
ssh_start (Run *run)
{
  SshJob *job = g_new0 (SshJob, 1);
  job->address = g_strdup (run->address);
  job->user = g_strdup (run->user);
  job->port = run->port;
  job->old = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < run->old->len; i++)
    g_ptr_array_add (job->old, g_strdup (run->old->pdata[i]));
  job->password = run->password;
  g_autoptr (GTask) inner = g_task_new (NULL, run->internal, ssh_done, run);
  /* Always back on the loop, even when cancelled: the Run outlives the worker. */
  g_task_set_return_on_cancel (inner, FALSE);
  g_task_set_check_cancellable (inner, FALSE);
  g_task_set_task_data (inner, job, ssh_job_free);
  g_task_run_in_thread (inner, ssh_thread);
}

/* ---- the settings page (on the loop) -------------------------------------------- */

static void web_send (Run *run, const char *user, const IotSecret *secret);

static void
web_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotHttpResponse) resp = iot_http_request_finish (run->http, result, &error);
  gboolean asking_first = run->seen.n_old == 0 && !run->seen.asks_login;
  if (run->task == NULL || g_cancellable_is_cancelled (run->internal))
    {
      run_answer (run, NULL);
      run_free (run);
      return;
    }
  if (resp == NULL && asking_first && g_str_has_prefix (run->url, "https:")
      && (g_error_matches (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_TLS)
          || g_error_matches (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_BAD_RESPONSE)))
    {
      /* An https settings page on a port that speaks only plain HTTP (as
       * the checks also find it): ask it the way it answers. */
      char *plain = g_strdup_printf ("http:%s", run->url + strlen ("https:"));
      g_free (run->url);
      run->url = plain;
      web_send (run, NULL, NULL);
      return;
    }
  if (resp == NULL)
    {
      g_debug ("guided: settings page: %s", error->message);
      run_decide (run);
      run_free (run);
      return;
    }
  run->seen.reached = TRUE;
  gboolean ok = resp->status >= 200 && resp->status < 300;
  gboolean refused = resp->status == 401 || resp->status == 403;
  if (asking_first)
    {
      /* Only a login we speak can be verified; anything else is the person's word. */
      run->auth = resp->status == 401 ? iot_http_challenge_scheme (resp->www_authenticate) : IOT_HTTP_AUTH_NONE;
      if (run->auth != IOT_HTTP_AUTH_NONE)
        {
          run->seen.asks_login = TRUE;
          run->seen.n_old = run->seen.n_old_refused = 1; /* no password at all: refused */
        }
      else if (!ok)
        run->seen.kind = IOT_GUIDED_NONE;
      if (!run->seen.asks_login)
        {
          run_decide (run);
          run_free (run);
          return;
        }
    }
  else if (!run->seen.new_tried)
    {
      run->seen.n_old++;
      run->seen.n_old_refused += refused ? 1 : 0;
      if (!refused)
        {
          run_decide (run);
          run_free (run);
          return;
        }
    }
  else
    {
      run->seen.new_accepted = ok;
      run_decide (run);
      run_free (run);
      return;
    }
  if (run->next_old < run->old->len)
    {
      g_autoptr (IotSecret) old = iot_secret_new_from (run->old->pdata[run->next_old++], -1);
      web_send (run, run->user, old);
      return;
    }
  /* TLS or Digest: a listener on the LAN learns nothing. Basic over
   * plain HTTP would hand it the new password: not sent. */
  if (!g_str_has_prefix (run->url, "https:") && run->auth != IOT_HTTP_AUTH_DIGEST)
    {
      run->seen.in_clear = TRUE;
      run_decide (run);
      run_free (run);
      return;
    }
  run->seen.new_tried = TRUE;
  web_send (run, run->user, run->password);
}

static void
web_send (Run *run, const char *user, const IotSecret *secret)
{
  g_autoptr (IotHttpRequest) req = iot_http_request_new ("GET", run->url);
  iot_http_request_set_address (req, run->address);
  iot_http_request_set_timeout (req, WEB_REQUEST_MS, WEB_REQUEST_MS / 2);
  if (user != NULL)
    iot_http_request_set_auth (req, run->auth, user, secret);
  iot_http_request_async (run->http, req, run->internal, web_done, run);
}

static void
web_start (Run *run, const IotPasswordGuided *g)
{
  run->url = g_strdup (g->url);
  web_send (run, NULL, NULL);
}

/* ---- the entry points ----------------------------------------------------------- */

void
iot_password_guided_verify_async (IotPasswordGuided *g, const IotSecret *password, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (g != NULL && password != NULL);
  Run *run = g_new0 (Run, 1);
  run->task = g_task_new (NULL, cancellable, callback, user_data);
  run->http = g->http;
  run->address = g_strdup (g->address);
  run->user = g_strdup (g->user);
  run->where = g_strdup (g->where);
  run->port = g->port;
  run->old = g_ptr_array_ref (g->old);
  run->password = iot_secret_copy (password);
  run->started = g_get_monotonic_time ();
  run->internal = g_cancellable_new ();
  run->outer = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  run->outer_handler = g_cancellable_connect (run->outer, G_CALLBACK (on_outer_cancelled),
                                              g_object_ref (run->internal), g_object_unref);
  run->seen.kind = g->kind;
  run->seen.where = run->where;
  switch (g->kind)
    {
    case IOT_GUIDED_SSH:
      run->timer = g_timeout_add (g->timeout_ms, on_timeout, run);
      ssh_start (run);
      return;
    case IOT_GUIDED_WEB:
      run->timer = g_timeout_add (g->timeout_ms, on_timeout, run);
      web_start (run, g);
      return;
    case IOT_GUIDED_NONE:
      break;
    }
  run_decide (run);
  run_free (run);
}

IotApplyReport *
iot_password_guided_verify_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
