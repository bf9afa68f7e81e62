/* SPDX-License-Identifier: GPL-3.0-or-later
 * The setup wizard's record and its decisions (see iot-setup-record.h).
 * G3: FAIL past the support period whatever else; PASS only for a version
 * observed (the device checked and has nothing newer, or the new version
 * came back after the update); WARN when it cannot update itself, when an
 * update is left uninstalled, or when nobody could tell ("unknown" is never
 * PASS). G11: PASS only for a reset seen to have worked.
 */
#include "config.h"

#include "iot-setup-record.h"

#include "iot-checks-facts.h"
#include "iot-device-url.h"
#include "iot-sanitize.h"

#include <glib/gi18n.h>
#include <string.h>

const IotCheck iot_check_update_wizard = {
  .id = "update-wizard", .guidelines = { 3 }, .etsi = { "5.3-2", "5.3-13" },
};

const IotCheck iot_check_erase_wizard = {
  .id = "erase-wizard", .guidelines = { 11 }, .etsi = { "5.11-1" },
};

gboolean
iot_support_period_ended (const IotProfile *profile, GDateTime *now)
{
  if (profile == NULL || profile->support_until == NULL || *profile->support_until == '\0')
    return FALSE;
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  return strcmp (profile->support_until, today) < 0;
}

IotCheckResult *
iot_update_decide (const IotUpdateFacts *f)
{
  const IotCheck *check = &iot_check_update_wizard;
  IotAutoUpdate auto_update = f->profile ? f->profile->auto_update : IOT_AUTO_UPDATE_UNKNOWN;
  g_autofree char *seen = NULL;
  IotCheckStatus status = IOT_CHECK_WARN;

  switch (f->state)
    {
    case IOT_UPDATE_STATE_INSTALLED:
      /* Translators: two firmware versions, before and after the update */
      seen = g_strdup_printf (_("Updated from %s to %s: the new version was seen on the device."),
                              f->version ? f->version : "?", f->installed ? f->installed : "?");
      status = IOT_CHECK_PASS;
      break;
    case IOT_UPDATE_STATE_NONE:
      /* Translators: %s is a firmware version */
      seen = g_strdup_printf (_("Version %s: the device checked and has no newer one."),
                              f->version ? f->version : "?");
      status = IOT_CHECK_PASS;
      break;
    case IOT_UPDATE_STATE_AVAILABLE:
      /* Translators: two firmware versions, the installed one and the offered one */
      seen = g_strdup_printf (_("Version %s is installed; %s is offered but was not installed."),
                              f->version ? f->version : "?", f->available ? f->available : "?");
      break;
    case IOT_UPDATE_STATE_FAILED:
      /* Translators: %s says what went wrong */
      seen = g_strdup_printf (_("The update was not confirmed: %s"), f->reason ? f->reason : "?");
      break;
    case IOT_UPDATE_STATE_GUIDED:
      seen = g_strdup (f->person_says_on ? _("You said automatic updates are on.")
                                         : _("You said automatic updates are not on."));
      status = f->person_says_on ? IOT_CHECK_MANUAL : IOT_CHECK_WARN;
      break;
    case IOT_UPDATE_STATE_UNKNOWN:
    default:
      /* Translators: %s says why (for example: the device could not reach its update server) */
      seen = g_strdup_printf (_("Unknown whether an update is available: %s"),
                              f->reason ? f->reason : "?");
      break;
    }

  if (iot_support_period_ended (f->profile, f->now))
    {
      /* Translators: %s is a date, YYYY-MM-DD */
      g_autofree char *ended = g_strdup_printf (
        _("Security updates ended on %s: the device no longer gets fixes."), f->profile->support_until);
      return iot_check_result_newf (check, IOT_CHECK_FAIL, "%s %s", ended, seen);
    }
  if (auto_update == IOT_AUTO_UPDATE_NO)
    return iot_check_result_newf (check, iot_check_status_worst (status, IOT_CHECK_WARN), "%s %s", seen,
                                  _("This device cannot update itself: check for updates now and then."));
  return iot_check_result_new (check, status, seen);
}

IotCheckResult *
iot_erase_decide (const IotProfile *p, IotEraseOutcome outcome, const char *evidence)
{
  const IotCheck *check = &iot_check_erase_wizard;
  switch (outcome)
    {
    case IOT_ERASE_VERIFIED:
      /* Translators: %s is what was observed on the device */
      return iot_check_result_newf (check, IOT_CHECK_PASS, _("Reset, and seen back in its setup state: %s"),
                                    evidence ? evidence : "");
    case IOT_ERASE_NOT_VERIFIED:
      /* Translators: %s says what went wrong */
      return iot_check_result_newf (check, IOT_CHECK_WARN, _("The reset was not confirmed: %s"),
                                    evidence ? evidence : "");
    case IOT_ERASE_KNOW_HOW:
    default:
      break;
    }
  if (p == NULL || p->reset_steps == NULL || p->reset_steps[0] == NULL)
    return iot_check_result_new (check, IOT_CHECK_WARN,
                                 _("Unknown: no published way to delete the data on this device is known."));
  GString *s = g_string_new (_("You were shown how to delete your data:"));
  for (guint i = 0; p->reset_steps[i]; i++)
    g_string_append_printf (s, " %u. %s", i + 1, _(p->reset_steps[i]));
  if (p->cloud_deletion && *p->cloud_deletion)
    g_string_append_printf (s, " %s", _(p->cloud_deletion));
  g_autofree char *text = g_string_free (s, FALSE);
  return iot_check_result_new (check, IOT_CHECK_MANUAL, text);
}

static const IotService *
find_service (const IotDevice *d, const char *type)
{
  for (guint i = 0; i < d->services->len; i++)
    {
      const IotService *s = d->services->pdata[i];
      if (g_strcmp0 (s->type, type) == 0 && s->txt != NULL)
        return s;
    }
  return NULL;
}

int
iot_setup_txt_setup_state (const IotDevice *d, char **evidence)
{
  *evidence = NULL;
  const IotService *s = find_service (d, "_hap._tcp");
  if (s == NULL)
    s = find_service (d, "_hap._udp");
  if (s != NULL)
    {
      g_autofree char *sf = iot_txt_dup_value (s->txt, "sf");
      if (sf == NULL)
        return -1;
      char *end = NULL;
      guint64 v = g_ascii_strtoull (sf, &end, 10);
      if (end == sf || *end != '\0')
        return -1;
      *evidence = g_strdup_printf ("HomeKit TXT sf=%s", sf);
      return (v & 1) ? 1 : 0;
    }
  s = find_service (d, "_matterc._udp");
  if (s != NULL)
    {
      g_autofree char *cm = iot_txt_dup_value (s->txt, "CM");
      if (cm == NULL)
        return -1;
      *evidence = g_strdup_printf ("Matter _matterc._udp TXT CM=%s", cm);
      return g_strcmp0 (cm, "1") == 0 || g_strcmp0 (cm, "2") == 0 ? 1 : 0;
    }
  if (find_service (d, "_matter._tcp") != NULL)
    {
      *evidence = g_strdup ("Matter _matter._tcp (commissioned)");
      return 0;
    }
  return -1;
}

/* The sanitized value of @key in @d's _hap._tcp TXT record, or NULL. */
static char *
hap_txt (const IotDevice *d, const char *key)
{
  const IotService *s = find_service (d, "_hap._tcp");
  g_autofree char *raw = s ? iot_txt_dup_value (s->txt, key) : NULL;
  return raw ? iot_sanitize_text (raw, -1, 64) : NULL;
}

static gboolean
announced_from (const IotDevice *d, const char *address)
{
  const IotService *s = find_service (d, "_hap._tcp");
  for (guint i = 0; s != NULL && i < s->records->len; i++)
    {
      const IotRecord *r = s->records->pdata[i];
      if (r->state == IOT_RECORD_RESOLVED && g_strcmp0 (r->address.address, address) == 0)
        return TRUE;
    }
  return FALSE;
}

IotDevice *
iot_setup_hap_reset_seen (IotRegistry *registry, const char *address, const char *old_id, char **evidence)
{
  *evidence = NULL;
  if (address == NULL || old_id == NULL)
    return NULL;
  g_autoptr (GPtrArray) all = iot_registry_dup_devices (registry);
  for (guint i = 0; i < all->len; i++)
    {
      IotDevice *d = all->pdata[i];
      if (!announced_from (d, address))
        continue;
      g_autofree char *id = hap_txt (d, "id");
      g_autofree char *sf = hap_txt (d, "sf");
      if (id == NULL || sf == NULL || g_ascii_strcasecmp (id, old_id) == 0)
        continue;
      char *end = NULL;
      guint64 v = g_ascii_strtoull (sf, &end, 10);
      if (end == sf || *end != '\0' || (v & 1) == 0)
        continue;
      /* Translators: two HomeKit ids (like 0E:4B:00:00:00:1E) and the TXT flag value */
      *evidence = g_strdup_printf (_("the bridge announces _hap._tcp with a new HomeKit id (%s, was %s) "
                                     "and sf=%s: not paired with any Home app."),
                                   id, old_id, sf);
      return d;
    }
  return NULL;
}

char *
iot_setup_short_name (const IotDevice *d)
{
  g_autofree char *host = iot_device_dup_host (d);
  const char *from = host && *host ? host : d->id;
  char out[5] = { 0 };
  int n = 0;
  for (gssize i = (gssize) strlen (from) - 1; i >= 0 && n < 4; i--)
    if (g_ascii_isalnum (from[i]))
      out[3 - n++] = g_ascii_tolower (from[i]);
  return g_strdup (out + (4 - n));
}

IotSetupTarget *
iot_setup_target_new (const IotDevice *d, const IotProfiles *profiles)
{
  IotSetupTarget *t = g_new0 (IotSetupTarget, 1);
  t->device_id = g_strdup (d->id);
  t->name = iot_device_dup_display_name (d);
  t->short_name = iot_setup_short_name (d);
  t->admin_url = iot_device_dup_admin_url (d);
  g_autoptr (IotProfileMatch) m = profiles ? iot_profile_match_device (profiles, d) : NULL;
  t->profile = m ? m->profile : NULL;
  t->port = 80;
  static const char *const web[] = { "_shelly._tcp", "_http._tcp" };
  for (guint i = 0; i < G_N_ELEMENTS (web) && t->port == 80; i++)
    for (guint j = 0; j < d->services->len; j++)
      {
        const IotService *s = d->services->pdata[j];
        if (g_strcmp0 (s->type, web[i]) == 0 && s->port != 0)
          {
            t->port = s->port;
            break;
          }
      }
  g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (d);
  for (guint pass = 0; pass < 2 && t->address == NULL; pass++)
    for (guint i = 0; i < addrs->len && t->address == NULL; i++)
      {
        const IotAddress *a = addrs->pdata[i];
        gboolean link_local = g_str_has_prefix (a->address, "fe80:") && a->ifname[0];
        /* IPv4 first; then IPv6, a link-local one with its interface. */
        if (pass == 0 && a->family != IOT_FAMILY_IPV4)
          continue;
        t->address = link_local ? g_strdup_printf ("%s%%%s", a->address, a->ifname) : g_strdup (a->address);
      }
  t->hap_id = hap_txt (d, "id");
  const char *up = t->profile ? t->profile->update_url : NULL;
  if (up != NULL && up[0] != '\0' && up[0] != '/')
    t->update_url = g_strdup (up);
  else if (up != NULL && up[0] == '/' && t->profile->web_port != 0 && t->address != NULL
           && strchr (t->address, ':') == NULL)
    /* A page next to the announced service (Homebridge's on 8581): the
     * IPv4 address, which a phone on the same network can open. */
    t->update_url = g_strdup_printf ("http://%s:%u%s", t->address, t->profile->web_port, up);
  else if (up != NULL && up[0] == '/' && t->admin_url != NULL)
    t->update_url = g_uri_resolve_relative (t->admin_url, up, G_URI_FLAGS_NONE, NULL);
  if (t->update_url == NULL && t->admin_url != NULL)
    t->update_url = g_strdup (t->admin_url);
  return t;
}

void
iot_setup_target_free (IotSetupTarget *t)
{
  if (t == NULL)
    return;
  g_free (t->device_id);
  g_free (t->name);
  g_free (t->address);
  g_free (t->admin_url);
  g_free (t->update_url);
  g_free (t->hap_id);
  g_free (t->short_name);
  g_free (t);
}

IotSetupRecord *
iot_setup_record_new (const char *device_id)
{
  IotSetupRecord *r = g_new0 (IotSetupRecord, 1);
  r->device_id = g_strdup (device_id);
  r->results = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_check_result_free);
  r->changes = g_ptr_array_new_with_free_func (g_free);
  r->todo = g_ptr_array_new_with_free_func (g_free);
  return r;
}

void
iot_setup_record_free (IotSetupRecord *r)
{
  if (r == NULL)
    return;
  g_free (r->device_id);
  g_ptr_array_unref (r->results);
  g_ptr_array_unref (r->changes);
  g_ptr_array_unref (r->todo);
  g_free (r);
}

void
iot_setup_record_set_result (IotSetupRecord *r, IotCheckResult *result)
{
  for (guint i = 0; i < r->results->len; i++)
    {
      IotCheckResult *old = r->results->pdata[i];
      if (g_strcmp0 (old->check_id, result->check_id) == 0)
        {
          iot_check_result_free (old);
          r->results->pdata[i] = result;
          return;
        }
    }
  g_ptr_array_add (r->results, result);
}

const IotCheckResult *
iot_setup_record_get_result (const IotSetupRecord *r, const char *check_id)
{
  for (guint i = 0; i < r->results->len; i++)
    {
      const IotCheckResult *res = r->results->pdata[i];
      if (g_strcmp0 (res->check_id, check_id) == 0)
        return res;
    }
  return NULL;
}

static void
add_unique (GPtrArray *list, const char *text)
{
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (list->pdata[i], text) == 0)
      return;
  g_ptr_array_add (list, iot_sanitize_text (text, -1, IOT_CHECK_MAX_EVIDENCE));
}

void
iot_setup_record_add_change (IotSetupRecord *r, const char *text)
{
  add_unique (r->changes, text);
}

void
iot_setup_record_add_todo (IotSetupRecord *r, const char *text)
{
  add_unique (r->todo, text);
}

/* Takes back a to-do that a later attempt did after all (a reset verified
 * on the second try). */
void
iot_setup_record_drop_todo (IotSetupRecord *r, const char *text)
{
  g_autofree char *clean = iot_sanitize_text (text, -1, IOT_CHECK_MAX_EVIDENCE);
  for (guint i = 0; i < r->todo->len; i++)
    if (g_strcmp0 (r->todo->pdata[i], clean) == 0)
      {
        g_ptr_array_remove_index (r->todo, i);
        return;
      }
}

/* TRUE when one of the wizard's results serves guideline @id. */
static gboolean
wizard_decided (const IotSetupRecord *r, guint id)
{
  for (guint i = 0; i < r->results->len; i++)
    {
      const IotCheckResult *res = r->results->pdata[i];
      if (res->guidelines[0] == id)
        return TRUE;
    }
  return FALSE;
}

IotReport *
iot_setup_record_report (const IotSetupRecord *r, const IotDevice *device, const IotProfile *profile,
                         const IotGuidelines *guidelines, GDateTime *now)
{
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_check_result_free);
  IotCheckContext ctx = { .device = device, .profile = profile, .guidelines = guidelines, .now = now };
  guint n = 0;
  const IotCheck *const *checks = iot_checks_facts (&n);
  for (guint i = 0; i < n; i++)
    {
      /* The facts checks are synchronous decisions; the wizard's own
       * observation of a guideline replaces the facts' guess about it. */
      if (checks[i]->decide == NULL || wizard_decided (r, checks[i]->guidelines[0]))
        continue;
      IotCheckResult *res = checks[i]->decide (checks[i], &ctx);
      if (res != NULL)
        g_ptr_array_add (results, res);
    }
  for (guint i = 0; i < r->results->len; i++)
    g_ptr_array_add (results, iot_check_result_copy (r->results->pdata[i]));
  return iot_report_new_from_results (device, profile, guidelines, results, now);
}
