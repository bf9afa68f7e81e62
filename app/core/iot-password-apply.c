/* SPDX-License-Identifier: GPL-3.0-or-later
 * Set, then verify: one run of a driver's set_password and
 * verify_password under one timeout, folded into a report that says in
 * plain words what happened and what the device's password is now. The
 * old credential is the profile's published default (the one the device
 * most likely still has); a device that stops answering part-way is
 * reported as unknown, never as set.
 */
#include "config.h"

#include "iot-password-apply.h"

#include "iot-http.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_QUARK (iot-password-apply-error-quark, iot_password_apply_error)

static const IotCheck apply_check = {
  .id = IOT_PASSWORD_APPLY_CHECK_ID,
  .guidelines = { 1, 0 },
  .etsi = { "ETSI EN 303 645 provision 5.1-1", "UK PSTI Schedule 1, paragraph 1", NULL },
};

struct _IotPasswordApply
{
  const IotDriver *driver;
  IotDriverDevice *dev;
  IotSecret *old; /* the published default, or NULL (none) */
  guint timeout_ms;
};

typedef struct
{
  IotPasswordApply *apply;
  IotSecret *password;
  GCancellable *internal; /* the drivers' cancellable: the caller's or the timeout */
  GCancellable *outer;
  gulong outer_handler;
  guint timer;
  gboolean timed_out;
  IotApplyPhase phase;
  IotApplyProgress progress;
  gpointer progress_data;
  gint64 started, phase_started, set_ms;
} Run;

static void
run_free (gpointer data)
{
  Run *run = data;
  g_clear_handle_id (&run->timer, g_source_remove);
  if (run->outer != NULL)
    {
      g_cancellable_disconnect (run->outer, run->outer_handler);
      g_object_unref (run->outer);
    }
  g_clear_object (&run->internal);
  g_clear_pointer (&run->password, iot_secret_free);
  g_free (run);
}

char *
iot_device_dup_local_address (const IotDevice *device)
{
  g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (device);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < addrs->len; i++)
      {
        const IotAddress *a = addrs->pdata[i];
        if (pass == 0 && a->family == IOT_FAMILY_IPV4 && iot_http_address_is_local (a->address))
          return g_strdup (a->address);
        if (pass == 1 && a->family == IOT_FAMILY_IPV6 && g_str_has_prefix (a->address, "fe80:")
            && a->ifname[0] != '\0')
          return g_strdup_printf ("%s%%%s", a->address, a->ifname);
        if (pass == 1 && a->family == IOT_FAMILY_IPV6 && iot_http_address_is_local (a->address))
          return g_strdup (a->address);
      }
  return NULL;
}

/* The port of the device's web service (_http._tcp), else its first one. */
static guint16
service_port (const IotDevice *device)
{
  for (guint i = 0; i < device->services->len; i++)
    {
      const IotService *s = device->services->pdata[i];
      if (g_strcmp0 (s->type, "_http._tcp") == 0 && s->port != 0)
        return s->port;
    }
  return device->services->len > 0 ? ((const IotService *) device->services->pdata[0])->port : 0;
}

IotPasswordApply *
iot_password_apply_new (IotHttp *http, const IotDevice *device, const IotProfile *profile,
                        GError **error)
{
  g_return_val_if_fail (http != NULL && device != NULL, NULL);
  const IotDriver *driver = profile != NULL ? iot_driver_lookup (profile->driver) : NULL;
  if (driver == NULL || driver->set_password == NULL || driver->verify_password == NULL)
    {
      g_set_error_literal (error, IOT_PASSWORD_APPLY_ERROR, IOT_PASSWORD_APPLY_ERROR_NO_DRIVER,
                           _("This assistant cannot set the password on this device itself"));
      return NULL;
    }
  g_autofree char *address = iot_device_dup_local_address (device);
  if (address == NULL)
    {
      g_set_error_literal (error, IOT_PASSWORD_APPLY_ERROR, IOT_PASSWORD_APPLY_ERROR_NO_ADDRESS,
                           _("The device has no address on your home network"));
      return NULL;
    }
  IotPasswordApply *a = g_new0 (IotPasswordApply, 1);
  a->driver = driver;
  a->dev = iot_driver_device_new (http, address, driver->port != 0 ? driver->port : service_port (device));
  a->timeout_ms = IOT_PASSWORD_APPLY_TIMEOUT_MS;
  for (guint i = 0; profile->default_credentials != NULL && i < profile->default_credentials->len; i++)
    {
      const IotCredential *c = profile->default_credentials->pdata[i];
      if (c->password != NULL && c->password[0] != '\0')
        {
          a->old = iot_secret_new_from (c->password, -1);
          break;
        }
    }
  iot_driver_device_set_credential (a->dev, a->old);
  return a;
}

void
iot_password_apply_free (IotPasswordApply *a)
{
  if (a == NULL)
    return;
  iot_driver_device_free (a->dev);
  iot_secret_free (a->old);
  g_free (a);
}

const IotDriver *
iot_password_apply_get_driver (IotPasswordApply *a)
{
  return a->driver;
}

void
iot_password_apply_set_timeout (IotPasswordApply *a, guint timeout_ms)
{
  a->timeout_ms = timeout_ms;
}

void
iot_apply_report_free (IotApplyReport *r)
{
  if (r == NULL)
    return;
  iot_check_result_free (r->result);
  g_free (r->what);
  g_free (r->state);
  g_free (r);
}

const char *
iot_apply_outcome_to_json (IotApplyOutcome outcome)
{
  switch (outcome)
    {
    case IOT_APPLY_VERIFIED: return "verified";
    case IOT_APPLY_NOT_VERIFIED: return "not-verified";
    case IOT_APPLY_NOT_SET: return "not-set";
    case IOT_APPLY_GONE: return "gone";
    case IOT_APPLY_MANUAL: return "manual";
    }
  return "gone";
}

static gint64
ms_since (gint64 t)
{
  return (g_get_monotonic_time () - t) / 1000;
}

static void
finish (GTask *task, IotApplyOutcome outcome, IotCheckStatus status, const char *evidence, char *what,
        char *state)
{
  Run *run = g_task_get_task_data (task);
  IotApplyReport *r = g_new0 (IotApplyReport, 1);
  r->outcome = outcome;
  r->result = iot_check_result_new (&apply_check, status, evidence);
  r->what = what;
  r->state = state;
  r->set_ms = run->set_ms;
  r->verify_ms = run->phase == IOT_APPLY_PHASE_VERIFYING ? ms_since (run->phase_started) : 0;
  g_task_return_pointer (task, r, (GDestroyNotify) iot_apply_report_free);
  g_object_unref (task);
}

/* TRUE when the run was cancelled by its caller (then it is over). */
static gboolean
caller_cancelled (GTask *task, GError *error)
{
  Run *run = g_task_get_task_data (task);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || run->timed_out)
    return FALSE;
  g_task_return_error (task, g_error_copy (error));
  g_object_unref (task);
  return TRUE;
}

/* The device stopped answering, or answered nothing we can judge. */
static void
finish_gone (GTask *task, const GError *error)
{
  Run *run = g_task_get_task_data (task);
  const char *why = run->timed_out ? _("It did not finish in time.") : error->message;
  if (run->phase == IOT_APPLY_PHASE_SETTING)
    finish (task, IOT_APPLY_GONE, IOT_CHECK_WARN,
            _("Not verified: the device stopped answering while its password was being set."),
            g_strdup_printf (_("The device stopped answering while its password was being set: %s"), why),
            g_strdup (_("Unknown: it may have the new password or still the old one.")));
  else
    finish (task, IOT_APPLY_GONE, IOT_CHECK_WARN,
            _("Not verified: the device took the new password, then stopped answering before it "
              "could be checked."),
            g_strdup_printf (_("The device took the new password, then stopped answering before "
                               "it could be checked: %s"),
                             why),
            g_strdup (_("Probably the new password, but this is not verified.")));
}

static void
on_verified (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Run *run = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotDriverVerify) v = iot_driver_verify_finish (result, &error);
  if (v == NULL)
    {
      if (!caller_cancelled (task, error))
        finish_gone (task, error);
      return;
    }
  g_debug ("apply: verified in %" G_GINT64_FORMAT " ms: none %d old %d new %d", ms_since (run->phase_started),
           v->no_password_refused, v->old_password_refused, v->new_password_accepted);
  if (iot_driver_verify_passed (v))
    {
      g_autofree char *evidence = g_strdup_printf (
          _("Set and verified through the device's own interface (%s): a login without a password "
            "and with the old one was refused, and the new password was accepted."),
          run->apply->driver->name);
      finish (task, IOT_APPLY_VERIFIED, IOT_CHECK_PASS, evidence,
              g_strdup (_("The new password is set, and the device was checked: it refuses the old "
                          "one and accepts the new one.")),
              g_strdup (_("It has the new password.")));
      return;
    }
  const char *why = !v->new_password_accepted ? _("the new password was not accepted")
                    : !v->old_password_refused ? _("the old password still works")
                                               : _("it still lets anyone in without a password");
  g_autofree char *evidence = g_strdup_printf (_("Not verified: after the change, %s."), why);
  finish (task, IOT_APPLY_NOT_VERIFIED, IOT_CHECK_FAIL, evidence,
          g_strdup_printf (_("The device took the change, but the check failed: %s."), why),
          g_strdup (_("Unknown: do not rely on either password.")));
}

static void
on_set (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Run *run = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  IotPasswordApply *a = run->apply;
  gboolean ok = iot_driver_boolean_finish (result, &error);
  run->set_ms = ms_since (run->phase_started);
  if (!ok)
    {
      if (caller_cancelled (task, error))
        return;
      /* Refused or answered with an error: nothing changed on the device. */
      if (error->domain == IOT_DRIVER_ERROR && error->code != IOT_DRIVER_ERROR_GONE)
        {
          finish (task, IOT_APPLY_NOT_SET, IOT_CHECK_WARN,
                  _("Not set: the device refused the change."),
                  g_strdup_printf (_("The device refused the change: %s."), error->message),
                  g_strdup (_("It still has its old password.")));
          return;
        }
      finish_gone (task, error);
      return;
    }
  run->phase = IOT_APPLY_PHASE_VERIFYING;
  run->phase_started = g_get_monotonic_time ();
  if (run->progress != NULL)
    run->progress (run->phase, run->progress_data);
  a->driver->verify_password (a->dev, a->old, run->password, run->internal, on_verified, task);
}

static gboolean
on_timeout (gpointer data)
{
  Run *run = data;
  run->timer = 0;
  run->timed_out = TRUE;
  g_cancellable_cancel (run->internal);
  return G_SOURCE_REMOVE;
}

static void
on_outer_cancelled (GCancellable *outer, gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

void
iot_password_apply_run_async (IotPasswordApply *a, const IotSecret *password, GCancellable *cancellable,
                              IotApplyProgress progress, gpointer progress_data,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (a != NULL && password != NULL);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Run *run = g_new0 (Run, 1);
  run->apply = a;
  run->password = iot_secret_copy (password);
  run->internal = g_cancellable_new ();
  run->progress = progress;
  run->progress_data = progress_data;
  run->started = run->phase_started = g_get_monotonic_time ();
  g_task_set_task_data (task, run, run_free);
  if (cancellable != NULL)
    {
      run->outer = g_object_ref (cancellable);
      run->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                                                  g_object_ref (run->internal), g_object_unref);
    }
  run->timer = g_timeout_add (a->timeout_ms, on_timeout, run);
  /* The device is told the password it has now only where it asks. */
  iot_driver_device_set_credential (a->dev, a->old);
  if (progress != NULL)
    progress (IOT_APPLY_PHASE_SETTING, progress_data);
  a->driver->set_password (a->dev, run->password, run->internal, on_set, task);
}

IotApplyReport *
iot_password_apply_run_finish (IotPasswordApply *a, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
