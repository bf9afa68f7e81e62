/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fuzz target: profile matching (iot-profile.h). A profile file from the
 * input (through libconfig and the profile schema, iot_profile_load_string)
 * joins the shipped profiles, and every device that discovery events build
 * is matched against them, as is a setup hotspot's Wi-Fi name. Whatever the
 * bytes: a device always gets exactly one profile, the same one every time
 * (deterministic), whose rules it really satisfies; the most specific one
 * wins, so the winner also wins against any single other profile (the
 * order is total); and the "why" text is clean for display.
 *
 * Input: a 2-byte length (big-endian) and that many bytes of profile text
 * (named fuzz.conf, so its id must be "fuzz"; text with an @include
 * directive is not loaded, see fuzz-config.c), a length byte and a Wi-Fi
 * name, then discovery events in the language of fuzz_feed_registry()
 * (fuzz-common.c).
 */
#include "config.h"

#include "fuzz-common.h"

#include "app/core/iot-profile.h"
#include "app/core/iot-sanitize.h"

#include <string.h>

/* The shipped profiles (IOTSETUP_DATADIR, as make check and fuzz.sh set
 * it); loaded once, lent to each input's set. */
static GPtrArray *
shipped (void)
{
  static GPtrArray *items;
  if (items == NULL)
    {
      items = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_profile_free);
      g_autofree char *dir = iot_profiles_default_dir ();
      g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          if (!g_str_has_suffix (name, ".conf"))
            continue;
          g_autofree char *path = g_build_filename (dir, name, NULL);
          IotProfile *p = iot_profile_load_file (path, NULL);
          if (p == NULL)
            fuzz_fail ("a shipped profile does not load", path);
          g_ptr_array_add (items, p);
        }
      if (items->len == 0)
        fuzz_fail ("no shipped profiles (set IOTSETUP_DATADIR)", dir);
    }
  return items;
}

/* A set lending @a, @b and @c (each may be NULL); NULL when it has no
 * catch-all or two. */
static IotProfiles *
lend (const IotProfile *a, const IotProfile *b, const IotProfile *c)
{
  GPtrArray *items = g_ptr_array_new ();
  const IotProfile *const all[] = { a, b, c };
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (all[i] != NULL && !g_ptr_array_find (items, all[i], NULL))
      g_ptr_array_add (items, (gpointer) all[i]);
  return iot_profiles_new (items, "fuzz", NULL);
}

static gboolean
match_equal (const IotProfileMatch *a, const IotProfileMatch *b)
{
  return a->profile == b->profile && a->service == b->service && a->ssid == b->ssid
         && g_strcmp0 (a->service_type, b->service_type) == 0
         && g_strcmp0 (a->name_pattern, b->name_pattern) == 0
         && ((a->txt == NULL && b->txt == NULL)
             || (a->txt != NULL && b->txt != NULL
                 && g_strv_equal ((const char *const *)a->txt, (const char *const *)b->txt)));
}

static void
check_why (const IotProfileMatch *m)
{
  g_autofree char *why = iot_profile_match_dup_why (m, FALSE);
  fuzz_check_display_text (why, 4096, "why");
  for (guint i = 0; m->txt != NULL && m->txt[i] != NULL; i++)
    fuzz_check_display_text (m->txt[i], 1024, "TXT the rule saw");
}

/* The match's claims are true of the device. */
static void
check_claims (const IotProfileMatch *m, const IotDevice *device)
{
  if (m->profile == NULL)
    fuzz_fail ("a device without a profile", NULL);
  if (m->profile->catch_all)
    {
      if (m->service != NULL || m->service_type != NULL || m->name_pattern != NULL || m->txt != NULL)
        fuzz_fail ("the catch-all with a reason", NULL);
      return;
    }
  if (m->service == NULL || !g_ptr_array_find (device->services, m->service, NULL))
    fuzz_fail ("the match names a service the device does not have", NULL);
  const IotService *s = m->service;
  if (m->service_type != NULL && (s->type == NULL || g_ascii_strcasecmp (s->type, m->service_type) != 0))
    fuzz_fail ("the service type rule does not fit the service", m->service_type);
  if (m->name_pattern != NULL
      && (s->name == NULL || !iot_profile_glob_match (m->name_pattern, s->name, strlen (s->name))))
    fuzz_fail ("the name pattern does not fit the instance name", m->name_pattern);
}

static void
check_device (const IotProfiles *set, const GPtrArray *items, const IotProfile *catch_all,
              const IotDevice *device)
{
  g_autoptr (IotProfileMatch) m = iot_profile_match_device (set, device);
  g_autoptr (IotProfileMatch) again = iot_profile_match_device (set, device);
  if (m == NULL || again == NULL || !match_equal (m, again))
    fuzz_fail ("matching the same device twice differs", device->id);
  check_claims (m, device);
  check_why (m);
  /* Most specific wins: against any one other profile, the winner still
   * wins (with the same service); and when nothing matched, no profile
   * matches on its own. */
  const IotProfile *w = m->profile->catch_all ? NULL : m->profile;
  for (guint i = 0; i < items->len; i++)
    {
      const IotProfile *p = items->pdata[i];
      if (p->catch_all || p == w)
        continue;
      g_autoptr (IotProfiles) two = lend (w, p, catch_all);
      g_autoptr (IotProfileMatch) m2 = iot_profile_match_device (two, device);
      if (m2->profile != m->profile || m2->service != m->service)
        fuzz_fail (w != NULL ? "a profile that lost wins against the winner alone"
                             : "a profile matches alone but not among all",
                   p->id);
    }
}

static void
check_ssid (const IotProfiles *set, const GPtrArray *items, const char *ssid)
{
  gsize len = strlen (ssid);
  g_autoptr (IotProfileMatch) m = iot_profile_match_ssid (set, (const guint8 *) ssid, len);
  g_autoptr (IotProfileMatch) again = iot_profile_match_ssid (set, (const guint8 *) ssid, len);
  if ((m == NULL) != (again == NULL) || (m != NULL && !match_equal (m, again)))
    fuzz_fail ("matching the same Wi-Fi name twice differs", NULL);
  if (m == NULL)
    return;
  if (!m->ssid || m->name_pattern == NULL || !iot_profile_glob_match (m->name_pattern, ssid, len))
    fuzz_fail ("the Wi-Fi name pattern does not fit", m->name_pattern);
  check_why (m);
  for (guint i = 0; i < items->len; i++)
    {
      const IotProfile *p = items->pdata[i];
      const IotProfile *catch_all = NULL;
      for (guint j = 0; j < items->len && catch_all == NULL; j++)
        if (((const IotProfile *) items->pdata[j])->catch_all)
          catch_all = items->pdata[j];
      g_autoptr (IotProfiles) two = lend (m->profile, p, catch_all);
      g_autoptr (IotProfileMatch) m2 = iot_profile_match_ssid (two, (const guint8 *) ssid, len);
      if (m2 == NULL || m2->profile != m->profile)
        fuzz_fail ("a hotspot profile that lost wins against the winner alone", p->id);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  GPtrArray *ships = shipped ();
  FuzzInput in;
  fuzz_input_init (&in, data, size);
  gsize text_len;
  const guint8 *text_bytes = fuzz_take_bytes (&in, fuzz_take_u16 (&in), &text_len);
  g_autofree char *text = g_strndup ((const char *) text_bytes, text_len);
  g_autofree char *ssid = fuzz_take_cstring (&in);

  /* The set: the input's profile (when it loads) and the shipped ones; a
   * catch-all from the input replaces the shipped one. */
  g_autoptr (GError) error = NULL;
  g_autoptr (IotProfile) own = NULL;
  if (text_len > 0 && strstr (text, "@include") == NULL)
    {
      own = iot_profile_load_string (text, "fuzz.conf", &error);
      if ((own == NULL) == (error == NULL))
        fuzz_fail ("profile: result and error disagree", NULL);
      if (own != NULL && g_strcmp0 (own->id, "fuzz") != 0)
        fuzz_fail ("a profile whose id is not its name", own->id);
      if (error != NULL && (!g_utf8_validate (error->message, -1, NULL)
                            || !g_str_has_prefix (error->message, "fuzz.conf")))
        fuzz_fail ("a profile error that does not say where, in UTF-8", error->message);
    }
  GPtrArray *items = g_ptr_array_new ();
  const IotProfile *catch_all = own != NULL && own->catch_all ? own : NULL;
  if (own != NULL)
    g_ptr_array_add (items, own);
  for (guint i = 0; i < ships->len; i++)
    {
      const IotProfile *p = ships->pdata[i];
      if (p->catch_all && catch_all != NULL)
        continue;
      if (p->catch_all)
        catch_all = p;
      g_ptr_array_add (items, (gpointer) p);
    }
  g_autoptr (IotProfiles) set = iot_profiles_new (g_ptr_array_ref (items), "fuzz", &error);
  if (set == NULL)
    fuzz_fail ("the set has no single catch-all", error != NULL ? error->message : NULL);

  check_ssid (set, items, ssid);

  IotRegistry *reg = iot_registry_new ();
  fuzz_feed_registry (reg, &in);
  g_autoptr (GPtrArray) devices = iot_registry_dup_devices (reg);
  for (guint i = 0; i < devices->len; i++)
    check_device (set, items, catch_all, devices->pdata[i]);
  iot_registry_free (reg);
  g_ptr_array_unref (items);
  return 0;
}
