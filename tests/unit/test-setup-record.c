/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for the setup wizard's decisions (app/core/iot-setup-record.h):
 * G3 is PASS only for an observed version (installed and seen, or checked
 * with nothing newer), unknown and failed answers are never PASS, a device
 * past its support period FAILs, one that cannot update itself WARNs; G11 is
 * PASS only for a verified reset; HomeKit sf and Matter CM read as setup
 * state; the short name; the report after the wizard, whose observations
 * replace the facts' guesses, and which holds no secret.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-setup-record.h"

#define GUIDELINES SRCDIR "/data/guidelines.conf"
#define SHELLY SRCDIR "/data/profiles/shelly-gen2.conf"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotRegistry, iot_registry_free)

static GDateTime *
day (int y, int m, int d)
{
  return g_date_time_new_utc (y, m, d, 12, 0, 0);
}

static IotCheckStatus
decide (const IotProfile *p, IotUpdateState state, GDateTime *now, char **evidence)
{
  IotUpdateFacts f = { .profile = p, .now = now, .state = state, .version = "1.4.4",
                       .available = "1.5.0", .installed = "1.5.0", .reason = "offline" };
  g_autoptr (IotCheckResult) r = iot_update_decide (&f);
  g_assert_cmpuint (r->guidelines[0], ==, 3);
  if (evidence)
    *evidence = g_strdup (r->evidence);
  return r->status;
}

static void
test_update_decide (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotProfile) p = iot_profile_load_file (SHELLY, &error);
  g_assert_no_error (error);
  g_autoptr (GDateTime) now = day (2026, 1, 1);
  g_autofree char *ev = NULL;
  g_assert_cmpint (decide (p, IOT_UPDATE_STATE_INSTALLED, now, &ev), ==, IOT_CHECK_PASS);
  g_assert_nonnull (strstr (ev, "1.4.4"));
  g_assert_nonnull (strstr (ev, "1.5.0"));
  g_assert_cmpint (decide (p, IOT_UPDATE_STATE_NONE, now, NULL), ==, IOT_CHECK_PASS);
  /* Never PASS without an observation. */
  g_assert_cmpint (decide (p, IOT_UPDATE_STATE_UNKNOWN, now, NULL), ==, IOT_CHECK_WARN);
  g_assert_cmpint (decide (p, IOT_UPDATE_STATE_FAILED, now, NULL), ==, IOT_CHECK_WARN);
  g_assert_cmpint (decide (p, IOT_UPDATE_STATE_AVAILABLE, now, NULL), ==, IOT_CHECK_WARN);
  g_assert_cmpint (decide (NULL, IOT_UPDATE_STATE_UNKNOWN, now, NULL), ==, IOT_CHECK_WARN);

  /* The person's answer is theirs: MANUAL, and "no" is a WARN. */
  IotUpdateFacts g = { .profile = p, .now = now, .state = IOT_UPDATE_STATE_GUIDED, .person_says_on = TRUE };
  g_autoptr (IotCheckResult) yes = iot_update_decide (&g);
  g_assert_cmpint (yes->status, ==, IOT_CHECK_MANUAL);
  g.person_says_on = FALSE;
  g_autoptr (IotCheckResult) no = iot_update_decide (&g);
  g_assert_cmpint (no->status, ==, IOT_CHECK_WARN);

  /* Cannot update itself: WARN even after an observed update. */
  p->auto_update = IOT_AUTO_UPDATE_NO;
  g_assert_cmpint (decide (p, IOT_UPDATE_STATE_INSTALLED, now, NULL), ==, IOT_CHECK_WARN);

  /* Past the support period: FAIL, whatever else. */
  p->auto_update = IOT_AUTO_UPDATE_YES;
  g_free (p->support_until);
  p->support_until = g_strdup ("2025-12-31");
  g_assert_true (iot_support_period_ended (p, now));
  g_assert_cmpint (decide (p, IOT_UPDATE_STATE_INSTALLED, now, NULL), ==, IOT_CHECK_FAIL);
  g_autoptr (GDateTime) earlier = day (2025, 12, 31);
  g_assert_false (iot_support_period_ended (p, earlier));
  g_assert_cmpint (decide (p, IOT_UPDATE_STATE_INSTALLED, earlier, NULL), ==, IOT_CHECK_PASS);
}

static void
test_erase_decide (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotProfile) p = iot_profile_load_file (SHELLY, &error);
  g_assert_no_error (error);
  g_autoptr (IotCheckResult) know = iot_erase_decide (p, IOT_ERASE_KNOW_HOW, NULL);
  g_assert_cmpint (know->status, ==, IOT_CHECK_MANUAL);
  g_assert_cmpuint (know->guidelines[0], ==, 11);
  /* The steps go into the evidence, and so into the report. */
  g_assert_nonnull (strstr (know->evidence, "Factory reset"));
  g_autoptr (IotCheckResult) ok = iot_erase_decide (p, IOT_ERASE_VERIFIED, "auth_en:false");
  g_assert_cmpint (ok->status, ==, IOT_CHECK_PASS);
  g_assert_nonnull (strstr (ok->evidence, "auth_en:false"));
  g_autoptr (IotCheckResult) bad = iot_erase_decide (p, IOT_ERASE_NOT_VERIFIED, "gone");
  g_assert_cmpint (bad->status, ==, IOT_CHECK_WARN);
  g_autoptr (IotCheckResult) none = iot_erase_decide (NULL, IOT_ERASE_KNOW_HOW, NULL);
  g_assert_cmpint (none->status, ==, IOT_CHECK_WARN);
}

static IotRegistry *
device_with (const char *host, const char *type, const char *const *items)
{
  IotRegistry *reg = iot_registry_new ();
  IotTxt *t = iot_txt_new ();
  for (guint i = 0; items && items[i]; i++)
    iot_txt_add_item (t, (const guint8 *) items[i], strlen (items[i]));
  IotRecordKey k = { 2, "lab0", IOT_FAMILY_IPV4, host, type, "local" };
  IotAddress a = { .family = IOT_FAMILY_IPV4, .address = "198.18.0.10", .ifindex = 2, .ifname = "lab0" };
  iot_registry_record_found (reg, &k);
  iot_registry_record_resolved (reg, &k, host, &a, 8080, t);
  return reg;
}

static IotDevice *
the_device (IotRegistry *reg)
{
  g_autoptr (GPtrArray) ds = iot_registry_dup_devices (reg);
  g_assert_cmpuint (ds->len, ==, 1);
  return ds->pdata[0];
}

static void
test_setup_state (void)
{
  static const struct
  {
    const char *type;
    const char *items[3];
    int want;
  } cases[] = {
    { "_hap._tcp", { "sf=1", "md=Lamp", NULL }, 1 },
    { "_hap._tcp", { "sf=0", NULL }, 0 },
    { "_hap._tcp", { "sf=5", NULL }, 1 },
    { "_hap._tcp", { "sf=x", NULL }, -1 },
    { "_hap._tcp", { "md=Lamp", NULL }, -1 },
    { "_matterc._udp", { "CM=1", "D=3840", NULL }, 1 },
    { "_matterc._udp", { "CM=0", NULL }, 0 },
    { "_matter._tcp", { "SII=5000", NULL }, 0 },
    { "_http._tcp", { "path=/", NULL }, -1 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (IotRegistry) reg = device_with ("dev-01", cases[i].type, cases[i].items);
      g_autofree char *ev = NULL;
      g_assert_cmpint (iot_setup_txt_setup_state (the_device (reg), &ev), ==, cases[i].want);
      g_assert_true (cases[i].want == -1 || ev != NULL);
    }
}

static void
test_target (void)
{
  static const char *const items[] = { "gen=2", "ver=1.4.4", NULL };
  g_autoptr (IotRegistry) reg = device_with ("shellyplusplugs-d4d4da7c1e2f", "_http._tcp", items);
  IotDevice *d = the_device (reg);
  g_autofree char *sn = iot_setup_short_name (d);
  g_assert_cmpstr (sn, ==, "1e2f");
  g_autoptr (IotSetupTarget) t = iot_setup_target_new (d, NULL);
  g_assert_cmpstr (t->address, ==, "198.18.0.10");
  g_assert_cmpuint (t->port, ==, 8080);
  g_assert_cmpstr (t->short_name, ==, "1e2f");
  g_assert_null (t->profile);
}

static void
test_record_report (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotProfile) p = iot_profile_load_file (SHELLY, &error);
  g_assert_no_error (error);
  g_autoptr (IotGuidelines) gl = iot_guidelines_load (GUIDELINES, &error);
  g_assert_no_error (error);
  static const char *const items[] = { "gen=2", "ver=1.4.4", NULL };
  g_autoptr (IotRegistry) reg = device_with ("shellyplusplugs-d4d4da7c1e2f", "_shelly._tcp", items);
  IotDevice *d = the_device (reg);
  g_autoptr (IotSetupRecord) rec = iot_setup_record_new (d->id);
  g_autoptr (GDateTime) now = day (2026, 1, 1);
  IotUpdateFacts f = { .profile = p, .now = now, .state = IOT_UPDATE_STATE_UNKNOWN, .reason = "x" };
  iot_setup_record_set_result (rec, iot_update_decide (&f));
  f.state = IOT_UPDATE_STATE_INSTALLED;
  f.version = "1.4.4";
  f.installed = "1.5.0";
  /* A later observation replaces the earlier one. */
  iot_setup_record_set_result (rec, iot_update_decide (&f));
  g_assert_cmpuint (rec->results->len, ==, 1);
  iot_setup_record_set_result (rec, iot_erase_decide (p, IOT_ERASE_VERIFIED, "auth_en:false"));
  iot_setup_record_add_change (rec, "changed");
  iot_setup_record_add_change (rec, "changed");
  g_assert_cmpuint (rec->changes->len, ==, 1);

  g_autoptr (IotReport) report = iot_setup_record_report (rec, d, p, gl, now);
  /* The facts alone would say WARN (no support period) and MANUAL (steps
   * known); the wizard saw both happen. */
  g_assert_cmpint (iot_report_get_status (report, 3), ==, IOT_CHECK_PASS);
  g_assert_cmpint (iot_report_get_status (report, 11), ==, IOT_CHECK_PASS);
  g_assert_cmpint (iot_report_get_status (report, 2), ==, IOT_CHECK_WARN);
  g_autofree char *text = iot_report_to_text (report);
  g_assert_nonnull (strstr (text, "1.5.0"));
  g_assert_nonnull (strstr (text, "auth_en:false"));
}

/* A to-do is listed once, and taken back when a later attempt did it. */
static void
test_todo (void)
{
  IotSetupRecord *r = iot_setup_record_new ("dev");
  iot_setup_record_add_todo (r, "Delete your data");
  iot_setup_record_add_todo (r, "Delete your data");
  iot_setup_record_add_todo (r, "Check for updates");
  g_assert_cmpuint (r->todo->len, ==, 2);
  iot_setup_record_drop_todo (r, "Delete your data");
  g_assert_cmpuint (r->todo->len, ==, 1);
  g_assert_cmpstr (r->todo->pdata[0], ==, "Check for updates");
  iot_setup_record_drop_todo (r, "not there");
  g_assert_cmpuint (r->todo->len, ==, 1);
  iot_setup_record_free (r);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/setup-record/update-decide", test_update_decide);
  g_test_add_func ("/setup-record/erase-decide", test_erase_decide);
  g_test_add_func ("/setup-record/setup-state", test_setup_state);
  g_test_add_func ("/setup-record/target", test_target);
  g_test_add_func ("/setup-record/report", test_record_report);
  g_test_add_func ("/setup-record/todo", test_todo);
  int rc = g_test_run ();
  g_free (argv);
  return rc;
}
