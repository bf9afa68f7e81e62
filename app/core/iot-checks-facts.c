/* SPDX-License-Identifier: GPL-3.0-or-later
 * Checks on facts at hand (see iot-checks-facts.h). Everything read from
 * TXT records is untrusted: bounded, sanitized, and never a secret in the
 * evidence (user information in URLs is cut out).
 */
#include "config.h"

#include "iot-checks-facts.h"

#include "iot-sanitize.h"

#include <glib/gi18n.h>
#include <string.h>

#define VERSION_MAX 64

/* The first service of @type (NULL: any) with TXT @key; its raw value (may
 * be NULL for a boolean attribute) in @value. */
static const IotService *
find_txt (const IotDevice *d, const char *type, const char *key, const IotTxtEntry **entry)
{
  for (guint i = 0; d && i < d->services->len; i++)
    {
      const IotService *s = d->services->pdata[i];
      if (type && g_ascii_strcasecmp (s->type, type) != 0)
        continue;
      const IotTxtEntry *e = s->txt ? iot_txt_lookup (s->txt, key) : NULL;
      if (e)
        {
          if (entry)
            *entry = e;
          return s;
        }
    }
  return NULL;
}

static gboolean
has_service (const IotDevice *d, const char *type)
{
  for (guint i = 0; d && i < d->services->len; i++)
    if (g_ascii_strcasecmp (((const IotService *) d->services->pdata[i])->type, type) == 0)
      return TRUE;
  return FALSE;
}

static char *
entry_value (const IotTxtEntry *e, gsize max)
{
  if (e == NULL || e->value == NULL)
    return NULL;
  gsize len;
  const char *data = g_bytes_get_data (e->value, &len);
  return iot_sanitize_text (data, len, max);
}

char *
iot_check_dup_firmware_version (const IotDevice *d)
{
  static const char *const keys[] = { "ver", "version", "fw_version", "fwversion",
                                      "firmware", "fw_id", "sw_version", NULL };
  for (guint k = 0; keys[k]; k++)
    {
      const IotTxtEntry *e = NULL;
      if (find_txt (d, NULL, keys[k], &e) && e->value && g_bytes_get_size (e->value) > 0)
        return entry_value (e, VERSION_MAX);
    }
  return NULL;
}

char *
iot_check_dup_url_without_userinfo (const char *url, gssize len)
{
  g_autofree char *clean = iot_sanitize_text (url, len, 0);
  char *scheme_end = strstr (clean, "://");
  if (scheme_end == NULL)
    return g_steal_pointer (&clean);
  char *auth = scheme_end + 3;
  char *auth_end = auth + strcspn (auth, "/?#");
  char *at = g_strrstr_len (auth, auth_end - auth, "@");
  if (at == NULL)
    return g_steal_pointer (&clean);
  return g_strdup_printf ("%.*s%s", (int) (auth - clean), clean, at + 1);
}

/* G1: devices without a password of their own (setup codes). */
static IotCheckResult *
decide_password_kind (const IotCheck *check, const IotCheckContext *ctx)
{
  if (ctx->profile == NULL || ctx->profile->has_password)
    return NULL;
  return iot_check_result_new (
    check, IOT_CHECK_NA,
    _("This device has no password of its own; it is set up with a setup code."));
}

/* G2: a published vulnerability disclosure policy. */
static IotCheckResult *
decide_vdp (const IotCheck *check, const IotCheckContext *ctx)
{
  if (ctx->profile && ctx->profile->vdp && *ctx->profile->vdp)
    return iot_check_result_newf (check, IOT_CHECK_PASS,
                                  _("The maker publishes how to report security problems: %s"),
                                  ctx->profile->vdp);
  return iot_check_result_new (
    check, IOT_CHECK_WARN,
    _("Unknown: no published way to report security problems is known for this device."));
}

/* G3: a published support period, and the firmware version announced. */
static IotCheckResult *
decide_support_period (const IotCheck *check, const IotCheckContext *ctx)
{
  g_autofree char *version = iot_check_dup_firmware_version (ctx->device);
  g_autofree char *fw = version
                          /* Translators: %s is a firmware version, as the device announces it */
                          ? g_strdup_printf (_("Firmware version announced: %s."), version)
                          : g_strdup (_("The device announces no firmware version."));
  const char *until = ctx->profile ? ctx->profile->support_until : NULL;
  if (until == NULL || *until == '\0')
    return iot_check_result_newf (
      check, IOT_CHECK_WARN, "%s %s",
      _("Unknown: the maker has published no date until which this device gets security "
        "updates."),
      fw);
  g_autofree char *today = g_date_time_format (ctx->now, "%Y-%m-%d");
  if (strcmp (until, today) < 0)
    {
      /* Translators: %s is a date, YYYY-MM-DD */
      g_autofree char *ended = g_strdup_printf (
        _("Security updates ended on %s: the device no longer gets fixes."), until);
      return iot_check_result_newf (check, IOT_CHECK_FAIL, "%s %s", ended, fw);
    }
  /* Translators: %s is a date, YYYY-MM-DD */
  g_autofree char *promised =
    g_strdup_printf (_("The maker promises security updates until %s."), until);
  return iot_check_result_newf (check, IOT_CHECK_PASS, "%s %s", promised, fw);
}

/* G7: Matter devices announcing a test vendor ID run test firmware. */
static IotCheckResult *
decide_matter_vendor (const IotCheck *check, const IotCheckContext *ctx)
{
  const IotTxtEntry *e = NULL;
  if (!find_txt (ctx->device, "_matterc._udp", "VP", &e) &&
      !find_txt (ctx->device, "_matter._tcp", "VP", &e))
    return NULL;
  g_autofree char *vp = entry_value (e, 32);
  if (vp == NULL)
    return NULL;
  char *end = NULL;
  guint64 vid = g_ascii_strtoull (vp, &end, 10);
  if (end == vp || (*end != '\0' && *end != '+'))
    return NULL;
  if (vid >= 0xFFF1 && vid <= 0xFFF4)
    return iot_check_result_newf (
      check, IOT_CHECK_FAIL,
      _("Test or development firmware: it announces the Matter vendor ID 0x%04X, which is "
        "reserved for testing (TXT VP=%s)."),
      (guint) vid, vp);
  return NULL;
}

/* G11: how to wipe it is known; only the user can confirm it was done. */
static IotCheckResult *
decide_reset_steps (const IotCheck *check, const IotCheckContext *ctx)
{
  const IotProfile *p = ctx->profile;
  if (p == NULL || p->reset_steps == NULL || p->reset_steps[0] == NULL)
    return iot_check_result_new (check, IOT_CHECK_WARN,
                                 _("No instructions for deleting your data from this device "
                                   "are known."));
  g_autoptr (GString) steps = g_string_new (NULL);
  for (guint i = 0; p->reset_steps[i]; i++)
    g_string_append_printf (steps, "%s%s", i ? " " : "", _(p->reset_steps[i]));
  if (p->cloud_deletion && *p->cloud_deletion)
    g_string_append_printf (steps, " %s", _(p->cloud_deletion));
  /* Translators: %s are the reset steps from the device's profile */
  return iot_check_result_newf (check, IOT_CHECK_MANUAL, _("Steps known: %s"), steps->str);
}

/* G5: ESPHome's native API without encryption. */
static IotCheckResult *
decide_esphome_api (const IotCheck *check, const IotCheckContext *ctx)
{
  if (!has_service (ctx->device, "_esphomelib._tcp"))
    return NULL;
  const IotTxtEntry *e = NULL;
  if (find_txt (ctx->device, "_esphomelib._tcp", "api_encryption", &e))
    {
      g_autofree char *v = entry_value (e, 64);
      return iot_check_result_newf (check, IOT_CHECK_PASS,
                                    _("The native API is encrypted (TXT api_encryption=%s)."),
                                    v ? v : "");
    }
  if (find_txt (ctx->device, "_esphomelib._tcp", "api_encryption_supported", NULL))
    return iot_check_result_new (
      check, IOT_CHECK_FAIL,
      _("The native API is not encrypted: the device supports encryption but has no key set "
        "(TXT api_encryption_supported without api_encryption). Anyone on the network can "
        "control it."));
  return NULL;
}

/* G5: HomeKit accessories on protocol version 1.0. */
static IotCheckResult *
decide_homekit_pv (const IotCheck *check, const IotCheckContext *ctx)
{
  const IotTxtEntry *e = NULL;
  if (!find_txt (ctx->device, "_hap._tcp", "pv", &e) &&
      !find_txt (ctx->device, "_hap._udp", "pv", &e))
    return NULL;
  g_autofree char *pv = entry_value (e, 16);
  if (pv && (strcmp (pv, "1.0") == 0 || strcmp (pv, "1") == 0))
    return iot_check_result_new (
      check, IOT_CHECK_WARN,
      _("It speaks HomeKit protocol version 1.0 (TXT pv=1.0), the first version, with older "
        "security; look for a firmware update."));
  return NULL;
}

/* G5: a printer's admin page over plain http://. */
static IotCheckResult *
decide_ipp_adminurl (const IotCheck *check, const IotCheckContext *ctx)
{
  const IotTxtEntry *e = NULL;
  if (!find_txt (ctx->device, "_ipp._tcp", "adminurl", &e) &&
      !find_txt (ctx->device, "_ipps._tcp", "adminurl", &e))
    return NULL;
  if (e->value == NULL)
    return NULL;
  gsize len;
  const char *raw = g_bytes_get_data (e->value, &len);
  g_autofree char *url = iot_check_dup_url_without_userinfo (raw, len);
  if (g_ascii_strncasecmp (url, "http://", 7) == 0)
    return iot_check_result_newf (
      check, IOT_CHECK_WARN,
      _("Its admin page is offered without encryption (TXT adminurl=%s): passwords typed "
        "there can be read by others on the network."),
      url);
  if (g_ascii_strncasecmp (url, "https://", 8) == 0)
    return iot_check_result_newf (check, IOT_CHECK_PASS,
                                  _("Its admin page is offered with encryption (TXT "
                                    "adminurl=%s)."),
                                  url);
  return NULL;
}

static const IotCheck checks[] = {
  { .id = "password-kind", .guidelines = { 1 }, .etsi = { "5.1-1" },
    .decide = decide_password_kind },
  { .id = "vulnerability-disclosure", .guidelines = { 2 }, .etsi = { "5.2-1" },
    .decide = decide_vdp },
  { .id = "support-period", .guidelines = { 3 }, .etsi = { "5.3-13" },
    .decide = decide_support_period },
  { .id = "esphome-api-encryption", .guidelines = { 5 }, .etsi = { "5.5-1" },
    .decide = decide_esphome_api },
  { .id = "homekit-protocol-version", .guidelines = { 5 }, .etsi = { "5.5-1" },
    .decide = decide_homekit_pv },
  { .id = "printer-admin-page", .guidelines = { 5 }, .etsi = { "5.5-1" },
    .decide = decide_ipp_adminurl },
  { .id = "matter-test-vendor", .guidelines = { 7 }, .etsi = { "5.7-1" },
    .decide = decide_matter_vendor },
  { .id = "reset-steps", .guidelines = { 11 }, .etsi = { "5.11-1" },
    .decide = decide_reset_steps },
};

const IotCheck *const *
iot_checks_facts (guint *n)
{
  static const IotCheck *list[G_N_ELEMENTS (checks)];
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    list[i] = &checks[i];
  *n = G_N_ELEMENTS (checks);
  return list;
}
