/* SPDX-License-Identifier: GPL-3.0-or-later
 * The in-store kiosk, UI-free: the staff PIN (a salted yescrypt hash,
 * verified in constant time, attempts rate-limited), the customer session
 * (an idle timer on the main loop with a countdown before it fires; the end
 * of a session wipes every secret, forgets what the customer looked at and
 * goes back to the shop's language) and the staff assessment's stocking
 * verdict on the three UK PSTI legal duties.
 */
#pragma once

#include <glib.h>

#include "iot-check.h"
#include "iot-config.h"

#define IOT_KIOSK_ERROR (iot_kiosk_error_quark ())

typedef enum
{
  IOT_KIOSK_ERROR_PIN,   /* not an acceptable PIN */
  IOT_KIOSK_ERROR_CRYPT, /* libxcrypt could not hash */
} IotKioskError;

GQuark iot_kiosk_error_quark (void);

/* --- the staff PIN ------------------------------------------------------- */

#define IOT_KIOSK_PIN_MIN 4
#define IOT_KIOSK_PIN_MAX 64

gboolean iot_kiosk_pin_is_acceptable (const char *pin, GError **error);
char *iot_kiosk_pin_hash (const char *pin, GError **error);
gboolean iot_kiosk_pin_verify (const char *hash, const char *pin);

/* Failed attempts slow the next ones down: the first IOT_KIOSK_PIN_FREE
 * failures cost nothing, then each one locks entry for twice as long as the
 * one before (5 s, 10 s, … up to 5 minutes). Times are monotonic µs. */
#define IOT_KIOSK_PIN_FREE 3

typedef struct
{
  guint failures;
  gint64 locked_until;
} IotKioskPinGuard;

gint64 iot_kiosk_pin_guard_wait (const IotKioskPinGuard *guard, gint64 now);
void iot_kiosk_pin_guard_record (IotKioskPinGuard *guard, gboolean success, gint64 now);

/* --- the stocking verdict -------------------------------------------------- */

#define IOT_KIOSK_N_DUTIES 3 /* guidelines 1, 2 and 3 */

typedef enum
{
  IOT_KIOSK_MEETS,          /* every legal duty observed met (or not applicable) */
  IOT_KIOSK_DOES_NOT_MEET,  /* a duty fails or is not shown to be met */
} IotKioskVerdict;

IotKioskVerdict iot_kiosk_verdict (const IotCheckStatus duties[IOT_KIOSK_N_DUTIES],
                                   const IotGuidelines *guidelines, GPtrArray *reasons);
const char *iot_kiosk_verdict_label (IotKioskVerdict verdict);

/* --- the customer session ------------------------------------------------ */

typedef struct _IotKiosk IotKiosk;

typedef struct
{
  /* The countdown is showing (or changed): @seconds_left ≥ 1. */
  void (*countdown) (IotKiosk *kiosk, guint seconds_left, gpointer user_data);
  /* The idle timeout fired: the owner ends the session (iot_kiosk_end_session). */
  void (*expired) (IotKiosk *kiosk, gpointer user_data);
} IotKioskCallbacks;

IotKiosk *iot_kiosk_new (const IotConfig *config, const IotKioskCallbacks *callbacks,
                         gpointer user_data);
void iot_kiosk_free (IotKiosk *kiosk);
void iot_kiosk_set_armed (IotKiosk *kiosk, gboolean armed);
gboolean iot_kiosk_is_armed (IotKiosk *kiosk);
void iot_kiosk_activity (IotKiosk *kiosk);
int iot_kiosk_get_countdown (IotKiosk *kiosk);
void iot_kiosk_note_device (IotKiosk *kiosk, const char *device_id);
char **iot_kiosk_dup_devices (IotKiosk *kiosk);
const char *iot_kiosk_get_default_language (IotKiosk *kiosk);
void iot_kiosk_end_session (IotKiosk *kiosk);
char *iot_kiosk_dup_guidance_url (const char *url_template, const char *language_code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotKiosk, iot_kiosk_free)
