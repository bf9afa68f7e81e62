/* SPDX-License-Identifier: GPL-3.0-or-later
 * Applying a chosen password to a device and verifying it (guideline 1):
 * the profile's driver sets it through the device's local API, then the
 * driver checks that no password and the old one are refused and the new
 * one is accepted. Only that observation gives a PASS. What the TUI's
 * apply step and `iotsetup set-password` share; no curses here.
 *
 * The whole run is bounded by one timeout and cancellable. Whatever
 * happens, the run ends with an IotApplyReport: the outcome, the G1 check
 * result (its evidence names the verification, never the password), what
 * happened and the state the device is in now, in plain words.
 *
 * Usage:
 *
 *     g_autoptr (IotPasswordApply) a = iot_password_apply_new (http, device, profile, &error);
 *     iot_password_apply_run_async (a, secret, cancellable, on_progress, self, on_done, self);
 *     ... in on_done:
 *     g_autoptr (IotApplyReport) r = iot_password_apply_run_finish (a, result, &error);
 */
#pragma once

#include "app/core/drivers/iot-driver.h"
#include "iot-check.h"
#include "iot-profile.h"
#include "iot-registry.h"

#define IOT_PASSWORD_APPLY_ERROR (iot_password_apply_error_quark ())

typedef enum
{
  IOT_PASSWORD_APPLY_ERROR_NO_DRIVER,  /* the profile names no driver: guided steps instead */
  IOT_PASSWORD_APPLY_ERROR_NO_ADDRESS, /* the device has no local address to talk to */
} IotPasswordApplyError;

/* The check id the results carry. */
#define IOT_PASSWORD_APPLY_CHECK_ID "password-applied"
/* The whole run, setting and verifying. */
#define IOT_PASSWORD_APPLY_TIMEOUT_MS 60000

typedef enum
{
  IOT_APPLY_PHASE_SETTING,
  IOT_APPLY_PHASE_VERIFYING,
} IotApplyPhase;

typedef enum
{
  IOT_APPLY_VERIFIED,     /* set and verified: G1 PASS */
  IOT_APPLY_NOT_VERIFIED, /* set, but the old password or none still works, or the new one fails */
  IOT_APPLY_NOT_SET,      /* the device refused the change: it has its old password */
  IOT_APPLY_GONE,         /* the device stopped answering part-way: the state is unknown */
  IOT_APPLY_MANUAL,       /* the person set it by guided steps: recorded as their answer */
} IotApplyOutcome;

typedef struct
{
  IotApplyOutcome outcome;
  IotCheckResult *result; /* guideline 1; PASS only for IOT_APPLY_VERIFIED */
  char *what;             /* what happened (translated) */
  char *state;            /* the device's state now (translated) */
  gint64 set_ms, verify_ms;
} IotApplyReport;

typedef void (*IotApplyProgress) (IotApplyPhase phase, gpointer user_data);

typedef struct _IotPasswordApply IotPasswordApply;

GQuark iot_password_apply_error_quark (void);

/* @device and @profile are read now (address, port, the old default
 * password); they need not outlive the call. */
IotPasswordApply *iot_password_apply_new (IotHttp *http, const IotDevice *device,
                                          const IotProfile *profile, GError **error);
void iot_password_apply_free (IotPasswordApply *apply);
const IotDriver *iot_password_apply_get_driver (IotPasswordApply *apply);
void iot_password_apply_set_timeout (IotPasswordApply *apply, guint timeout_ms);

void iot_password_apply_run_async (IotPasswordApply *apply, const IotSecret *password,
                                   GCancellable *cancellable, IotApplyProgress progress,
                                   gpointer progress_data, GAsyncReadyCallback callback,
                                   gpointer user_data);
/* NULL only when cancelled. */
IotApplyReport *iot_password_apply_run_finish (IotPasswordApply *apply, GAsyncResult *result,
                                               GError **error);

void iot_apply_report_free (IotApplyReport *report);
const char *iot_apply_outcome_to_json (IotApplyOutcome outcome);

/* The first local address of @device to talk to (IPv4 first, then IPv6
 * link-local with "%ifname"), or NULL. */
char *iot_device_dup_local_address (const IotDevice *device);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotPasswordApply, iot_password_apply_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotApplyReport, iot_apply_report_free)
