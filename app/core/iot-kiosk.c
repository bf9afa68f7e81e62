/* SPDX-License-Identifier: GPL-3.0-or-later
 * The kiosk's core (see iot-kiosk.h). The PIN hash is libxcrypt's yescrypt
 * with a fresh salt from the kernel; verifying recomputes it and compares
 * every byte, so the time taken says nothing about where a guess went wrong.
 * The idle timer is one GLib timeout that re-arms itself: first for the
 * quiet part of the timeout, then once a second through the countdown.
 */
#include "config.h"

#include "iot-kiosk.h"

#include "iot-language.h"
#include "iot-secret.h"

#include <crypt.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (iot-kiosk-error-quark, iot_kiosk_error)

gboolean
iot_kiosk_pin_is_acceptable (const char *pin, GError **error)
{
  gsize len = pin ? strlen (pin) : 0;
  gboolean printable = TRUE;
  for (gsize i = 0; i < len; i++)
    printable = printable && pin[i] > 0x20 && pin[i] < 0x7f;
  if (len < IOT_KIOSK_PIN_MIN || len > IOT_KIOSK_PIN_MAX || !printable)
    {
      g_set_error (error, IOT_KIOSK_ERROR, IOT_KIOSK_ERROR_PIN,
                   _("A PIN has %d to %d characters: digits, letters or punctuation, no spaces."),
                   IOT_KIOSK_PIN_MIN, IOT_KIOSK_PIN_MAX);
      return FALSE;
    }
  return TRUE;
}

/* crypt_ra()'s working area holds the PIN's derived state: wiped, then freed. */
static void
crypt_data_free (void *data, int size)
{
  if (data)
    explicit_bzero (data, (size_t) size);
  free (data);
}

/**
 * iot_kiosk_pin_hash:
 *
 * Returns: (transfer full): "$y$…", for kiosk.pin_hash.
 */
char *
iot_kiosk_pin_hash (const char *pin, GError **error)
{
  if (!iot_kiosk_pin_is_acceptable (pin, error))
    return NULL;
  /* Count 0: libxcrypt's default cost; NULL random bytes: from the kernel. */
  char *salt = crypt_gensalt_ra ("$y$", 0, NULL, 0);
  if (salt == NULL)
    {
      g_set_error (error, IOT_KIOSK_ERROR, IOT_KIOSK_ERROR_CRYPT,
                   _("This system's crypt library cannot make a yescrypt hash."));
      return NULL;
    }
  void *data = NULL;
  int size = 0;
  const char *hash = crypt_ra (pin, salt, &data, &size);
  free (salt);
  char *out = hash && g_str_has_prefix (hash, "$y$") ? g_strdup (hash) : NULL;
  crypt_data_free (data, size);
  if (out == NULL)
    g_set_error (error, IOT_KIOSK_ERROR, IOT_KIOSK_ERROR_CRYPT,
                 _("This system's crypt library cannot make a yescrypt hash."));
  return out;
}

/* Whether @pin hashes to @hash. An empty or malformed hash matches nothing. */
gboolean
iot_kiosk_pin_verify (const char *hash, const char *pin)
{
  if (hash == NULL || pin == NULL || !g_str_has_prefix (hash, "$y$"))
    return FALSE;
  void *data = NULL;
  int size = 0;
  const char *got = crypt_ra (pin, hash, &data, &size);
  gboolean equal = FALSE;
  if (got != NULL && got[0] != '*')
    {
      gsize n = strlen (hash), m = strlen (got);
      /* Every byte is compared whatever the earlier ones were. */
      unsigned char diff = n == m ? 0 : 1;
      for (gsize i = 0; i < n; i++)
        diff |= (unsigned char) hash[i] ^ (unsigned char) (i < m ? got[i] : 0);
      equal = diff == 0;
    }
  crypt_data_free (data, size);
  return equal;
}

/* Returns: how many µs from @now until the next attempt is allowed; 0: now. */
gint64
iot_kiosk_pin_guard_wait (const IotKioskPinGuard *g, gint64 now)
{
  return g->locked_until > now ? g->locked_until - now : 0;
}

void
iot_kiosk_pin_guard_record (IotKioskPinGuard *g, gboolean success, gint64 now)
{
  if (success)
    {
      g->failures = 0;
      g->locked_until = 0;
      return;
    }
  g->failures++;
  if (g->failures < IOT_KIOSK_PIN_FREE)
    return;
  guint doublings = MIN (g->failures - IOT_KIOSK_PIN_FREE, 6u);
  gint64 seconds = MIN ((gint64) 5 << doublings, (gint64) 300);
  g->locked_until = now + seconds * G_USEC_PER_SEC;
}

/**
 * iot_kiosk_verdict:
 * @duties: the results of guidelines 1, 2 and 3
 * @guidelines: (nullable): for the guidelines' titles in @reasons
 * @reasons: (nullable) (element-type utf8): gets one translated line per duty
 *
 * The legal minimum (UK PSTI): a duty counts as met when it was observed
 * met (PASS) or does not apply to the product (N/A). A FAIL does not meet
 * it; WARN and MANUAL mean it was not shown to be met, and a retailer may
 * not assume what was not shown.
 */
IotKioskVerdict
iot_kiosk_verdict (const IotCheckStatus duties[IOT_KIOSK_N_DUTIES], const IotGuidelines *gl,
                   GPtrArray *reasons)
{
  IotKioskVerdict v = IOT_KIOSK_MEETS;
  for (guint i = 0; i < IOT_KIOSK_N_DUTIES; i++)
    {
      const IotGuideline *g = gl ? iot_guidelines_get (gl, i + 1) : NULL;
      g_autofree char *name =
        g ? g_strdup_printf ("%u. %s", i + 1, _(g->title)) : g_strdup_printf ("%u", i + 1);
      char *why;
      switch (duties[i])
        {
        case IOT_CHECK_PASS:
          /* Translators: %s is a guideline, e.g. "1. No default passwords" */
          why = g_strdup_printf (_("%s: met"), name);
          break;
        case IOT_CHECK_NA:
          why = g_strdup_printf (_("%s: does not apply to this product"), name);
          break;
        case IOT_CHECK_FAIL:
          why = g_strdup_printf (_("%s: fails the legal duty"), name);
          v = IOT_KIOSK_DOES_NOT_MEET;
          break;
        case IOT_CHECK_WARN:
        case IOT_CHECK_MANUAL:
        default:
          why = g_strdup_printf (_("%s: not shown to be met"), name);
          v = IOT_KIOSK_DOES_NOT_MEET;
          break;
        }
      if (reasons)
        g_ptr_array_add (reasons, why);
      else
        g_free (why);
    }
  return v;
}

const char *
iot_kiosk_verdict_label (IotKioskVerdict v)
{
  return v == IOT_KIOSK_MEETS ? _("Meets the UK legal minimum (PSTI)")
                              : _("Does not meet the UK legal minimum (PSTI)");
}

struct _IotKiosk
{
  gint64 idle_us, countdown_us;
  gint64 last_activity;
  guint timer;
  gboolean armed;
  int countdown; /* seconds shown, or -1 */
  char *default_language;
  GPtrArray *devices; /* char*: ids the customer opened, in order, no repeats */
  IotKioskCallbacks callbacks;
  gpointer user_data;
};

static void schedule (IotKiosk *k);

static gboolean
timer_cb (gpointer data)
{
  IotKiosk *k = data;
  k->timer = 0;
  gint64 left = k->last_activity + k->idle_us - g_get_monotonic_time ();
  if (left <= 0)
    {
      k->countdown = -1;
      k->armed = FALSE;
      if (k->callbacks.expired)
        k->callbacks.expired (k, k->user_data);
      return G_SOURCE_REMOVE;
    }
  if (left <= k->countdown_us)
    {
      int secs = (int) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      if (secs != k->countdown)
        {
          k->countdown = secs;
          if (k->callbacks.countdown)
            k->callbacks.countdown (k, (guint) secs, k->user_data);
        }
    }
  schedule (k);
  return G_SOURCE_REMOVE;
}

/* Wakes at the next whole second of the countdown, or at its start. */
static void
schedule (IotKiosk *k)
{
  g_clear_handle_id (&k->timer, g_source_remove);
  if (!k->armed)
    return;
  gint64 left = k->last_activity + k->idle_us - g_get_monotonic_time ();
  gint64 wait = left > k->countdown_us ? left - k->countdown_us : left % G_USEC_PER_SEC;
  if (wait <= 0)
    wait = left > 0 ? MIN (left, G_USEC_PER_SEC) : 0;
  k->timer = g_timeout_add ((guint) ((wait + 999) / 1000), timer_cb, k);
}

/**
 * iot_kiosk_new:
 * @config: idle timeout, countdown and default language are read from it
 */
IotKiosk *
iot_kiosk_new (const IotConfig *config, const IotKioskCallbacks *callbacks, gpointer user_data)
{
  IotKiosk *k = g_new0 (IotKiosk, 1);
  k->idle_us = (gint64) (config->kiosk_idle_timeout * G_USEC_PER_SEC);
  k->countdown_us = (gint64) (MIN (config->kiosk_countdown, config->kiosk_idle_timeout) *
                              G_USEC_PER_SEC);
  k->countdown = -1;
  k->default_language = g_strdup (*config->kiosk_language ? config->kiosk_language
                                                          : iot_language_get_current ()->code);
  k->devices = g_ptr_array_new_with_free_func (g_free);
  if (callbacks)
    k->callbacks = *callbacks;
  k->user_data = user_data;
  return k;
}

void
iot_kiosk_free (IotKiosk *k)
{
  if (k == NULL)
    return;
  g_clear_handle_id (&k->timer, g_source_remove);
  g_ptr_array_unref (k->devices);
  g_free (k->default_language);
  g_free (k);
}

/* The timer runs only while someone is using the kiosk: not on the welcome. */
void
iot_kiosk_set_armed (IotKiosk *k, gboolean armed)
{
  if (k->armed == armed)
    return;
  k->armed = armed;
  k->countdown = -1;
  k->last_activity = g_get_monotonic_time ();
  schedule (k);
}

gboolean
iot_kiosk_is_armed (IotKiosk *k)
{
  return k->armed;
}

/* A key was pressed: the idle time starts again, and a countdown stops. */
void
iot_kiosk_activity (IotKiosk *k)
{
  k->last_activity = g_get_monotonic_time ();
  k->countdown = -1;
  schedule (k);
}

/* Returns: the countdown's seconds on screen now, or -1 when none is. */
int
iot_kiosk_get_countdown (IotKiosk *k)
{
  return k->countdown;
}

void
iot_kiosk_note_device (IotKiosk *k, const char *id)
{
  g_return_if_fail (id != NULL);
  for (guint i = 0; i < k->devices->len; i++)
    if (strcmp (k->devices->pdata[i], id) == 0)
      return;
  g_ptr_array_add (k->devices, g_strdup (id));
}

/* Returns: (transfer full): the ids of the devices of this session. */
char **
iot_kiosk_dup_devices (IotKiosk *k)
{
  char **v = g_new0 (char *, k->devices->len + 1);
  for (guint i = 0; i < k->devices->len; i++)
    v[i] = g_strdup (k->devices->pdata[i]);
  return v;
}

const char *
iot_kiosk_get_default_language (IotKiosk *k)
{
  return k->default_language;
}

/* Ends a customer's session: every secret wiped, the devices they opened
 * forgotten, the timer off, the shop's language back. The owner returns the
 * screen to the welcome and drops its own per-customer state. */
void
iot_kiosk_end_session (IotKiosk *k)
{
  iot_secret_wipe_all ();
  g_ptr_array_set_size (k->devices, 0);
  k->armed = FALSE;
  k->countdown = -1;
  g_clear_handle_id (&k->timer, g_source_remove);
  g_autoptr (GError) error = NULL;
  if (!iot_language_apply (k->default_language, &error))
    g_debug ("Kiosk language: %s", error->message);
}

/* Returns: (transfer full) (nullable): @url_template with "{lang}" replaced,
 * or NULL when there is no URL. */
char *
iot_kiosk_dup_guidance_url (const char *url_template, const char *language_code)
{
  if (url_template == NULL || *url_template == '\0')
    return NULL;
  g_auto (GStrv) parts = g_strsplit (url_template, "{lang}", -1);
  return g_strjoinv (language_code ? language_code : "en", parts);
}
