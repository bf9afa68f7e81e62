/* SPDX-License-Identifier: GPL-3.0-or-later
 * The check engine: status order, aggregation into 13 guideline results,
 * the runner's asynchronous runs with timeouts and cancellation.
 */
#include "config.h"

#include "app/core/iot-check.h"
#include "app/core/iot-checks-facts.h"
#include "app/core/iot-report.h"
#include "app/core/iot-sanitize.h"
#include "test-util.h"

#include <glib/gstdio.h>

#define GUIDELINES SRCDIR "/data/guidelines.conf"

static IotGuidelines *
guidelines (void)
{
  g_autoptr (GError) error = NULL;
  IotGuidelines *gl = iot_guidelines_load (GUIDELINES, &error);
  g_assert_no_error (error);
  return gl;
}

static void
test_status (void)
{
  g_assert_cmpint (iot_check_status_worst (IOT_CHECK_PASS, IOT_CHECK_FAIL), ==, IOT_CHECK_FAIL);
  g_assert_cmpint (iot_check_status_worst (IOT_CHECK_WARN, IOT_CHECK_MANUAL), ==, IOT_CHECK_WARN);
  g_assert_cmpint (iot_check_status_worst (IOT_CHECK_PASS, IOT_CHECK_MANUAL), ==,
                   IOT_CHECK_MANUAL);
  g_assert_cmpint (iot_check_status_worst (IOT_CHECK_NA, IOT_CHECK_PASS), ==, IOT_CHECK_PASS);
  g_assert_cmpstr (iot_check_status_to_string (IOT_CHECK_NA), ==, "N/A");
  g_assert_cmpstr (iot_check_status_to_json (IOT_CHECK_MANUAL), ==, "manual");
}

static const IotCheck check_a = { .id = "a", .guidelines = { 2, 3 }, .etsi = { "5.2-1" } };
static const IotCheck check_b = { .id = "b", .guidelines = { 3 }, .etsi = { "5.3-13" } };

static void
test_result_sanitized (void)
{
  g_autoptr (IotCheckResult) r =
    iot_check_result_new (&check_a, IOT_CHECK_WARN, "evil \x1b[31mred\x1b[0m \xff");
  g_assert_true (iot_sanitize_is_clean (r->evidence));
  g_assert_null (strchr (r->evidence, '\x1b'));
  g_assert_cmpstr (r->references[0], ==, "ETSI EN 303 645 5.2-1");
  g_assert_null (r->references[1]);
  g_assert_cmpuint (r->guidelines[0], ==, 2);
  g_assert_cmpuint (r->guidelines[1], ==, 3);
  g_assert_cmpuint (r->guidelines[2], ==, 0);
}

static void
test_aggregate (void)
{
  g_autoptr (IotGuidelines) gl = guidelines ();
  g_autoptr (GPtrArray) rs = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_check_result_free);
  g_ptr_array_add (rs, iot_check_result_new (&check_a, IOT_CHECK_PASS, "published"));
  g_ptr_array_add (rs, iot_check_result_new (&check_b, IOT_CHECK_FAIL, "expired"));
  IotGuidelineResult out[IOT_N_GUIDELINES];
  iot_check_aggregate (rs, gl, out);
  g_assert_cmpint (out[1].status, ==, IOT_CHECK_PASS);
  g_assert_cmpuint (out[1].results->len, ==, 1);
  g_assert_cmpint (out[2].status, ==, IOT_CHECK_FAIL);
  g_assert_cmpuint (out[2].results->len, ==, 2); /* all the evidence */
  /* Undecided guidelines ask the user. */
  g_assert_cmpint (out[0].status, ==, IOT_CHECK_MANUAL);
  const IotCheckResult *q = out[0].results->pdata[0];
  g_assert_cmpstr (q->check_id, ==, "question-g1");
  g_assert_nonnull (strstr (q->evidence, "Every device must have its own password"));
  g_assert_cmpstr (q->references[0], ==, "ETSI EN 303 645 5.1");
  iot_guideline_results_clear (out);

  /* A guideline whose only result is N/A stays N/A. */
  static const IotCheck na = { .id = "na", .guidelines = { 1 } };
  g_ptr_array_set_size (rs, 0);
  g_ptr_array_add (rs, iot_check_result_new (&na, IOT_CHECK_NA, "no password"));
  iot_check_aggregate (rs, gl, out);
  g_assert_cmpint (out[0].status, ==, IOT_CHECK_NA);
  iot_guideline_results_clear (out);
}

/* --- the runner -------------------------------------------------------------- */

static IotCheckResult *
decide_pass (const IotCheck *check, const IotCheckContext *ctx)
{
  return iot_check_result_new (check, IOT_CHECK_PASS, "fine");
}

static IotCheckResult *
decide_nothing (const IotCheck *check, const IotCheckContext *ctx)
{
  return NULL;
}

static gboolean
later_cb (gpointer data)
{
  GTask *t = data;
  const IotCheck *check = g_task_get_task_data (t);
  g_task_return_pointer (t, iot_check_result_new (check, IOT_CHECK_FAIL, "late but in time"),
                         (GDestroyNotify) iot_check_result_free);
  g_object_unref (t);
  return G_SOURCE_REMOVE;
}

static void
start_later (const IotCheck *check, const IotCheckContext *ctx, GTask *task)
{
  g_task_set_task_data (task, (gpointer) check, NULL);
  g_timeout_add (20, later_cb, g_object_ref (task));
}

/* Never answers until cancelled. */
static void
hang_cancelled_cb (GCancellable *c, gpointer data)
{
  GTask *t = data;
  g_task_return_error_if_cancelled (t);
  g_object_unref (t);
}

static void
start_hang (const IotCheck *check, const IotCheckContext *ctx, GTask *task)
{
  g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (hang_cancelled_cb),
                         g_object_ref (task), NULL);
}

static const IotCheck c_pass = { .id = "pass", .guidelines = { 2 }, .decide = decide_pass };
static const IotCheck c_none = { .id = "none", .guidelines = { 4 }, .decide = decide_nothing };
static const IotCheck c_later = { .id = "later", .guidelines = { 5 }, .start = start_later };
static const IotCheck c_hang = {
  .id = "hang", .guidelines = { 6 }, .start = start_hang, .timeout_ms = 50
};
static const IotCheck c_hang_long = {
  .id = "hang-long", .guidelines = { 6 }, .start = start_hang, .timeout_ms = 60000
};

typedef struct
{
  GMainLoop *loop;
  gboolean ok;
  GError *error;
} Run;

static void
run_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Run *run = data;
  run->ok = iot_check_runner_run_finish (NULL, res, &run->error);
  g_main_loop_quit (run->loop);
}

static void
test_runner (void)
{
  g_autoptr (IotGuidelines) gl = guidelines ();
  const IotCheck *checks[] = { &c_pass, &c_none, &c_later, &c_hang };
  IotCheckContext ctx = { .guidelines = gl };
  g_autoptr (IotCheckRunner) runner = iot_check_runner_new (checks, G_N_ELEMENTS (checks), &ctx);
  Run run = { g_main_loop_new (NULL, FALSE) };
  iot_check_runner_run_async (runner, NULL, run_done, &run);
  g_main_loop_run (run.loop);
  g_main_loop_unref (run.loop);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpint (iot_check_runner_get_result (runner, 2)->status, ==, IOT_CHECK_PASS);
  /* A check with nothing to say leaves the question. */
  g_assert_cmpint (iot_check_runner_get_result (runner, 4)->status, ==, IOT_CHECK_MANUAL);
  g_assert_cmpint (iot_check_runner_get_result (runner, 5)->status, ==, IOT_CHECK_FAIL);
  const IotGuidelineResult *g6 = iot_check_runner_get_result (runner, 6);
  g_assert_cmpint (g6->status, ==, IOT_CHECK_WARN);
  const IotCheckResult *timeout = g6->results->pdata[0];
  g_assert_cmpstr (timeout->check_id, ==, "hang");
  g_assert_cmpstr (timeout->evidence, ==, "No answer within 0.1 seconds.");
  g_assert_cmpint (iot_check_runner_get_worst (runner), ==, IOT_CHECK_FAIL);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_runner_cancel (void)
{
  g_autoptr (IotGuidelines) gl = guidelines ();
  const IotCheck *checks[] = { &c_pass, &c_hang_long };
  IotCheckContext ctx = { .guidelines = gl };
  g_autoptr (IotCheckRunner) runner = iot_check_runner_new (checks, G_N_ELEMENTS (checks), &ctx);
  g_autoptr (GCancellable) c = g_cancellable_new ();
  Run run = { g_main_loop_new (NULL, FALSE) };
  iot_check_runner_run_async (runner, c, run_done, &run);
  g_timeout_add (30, cancel_cb, c);
  gint64 t0 = g_get_monotonic_time ();
  g_main_loop_run (run.loop);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5 * G_USEC_PER_SEC);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (run.ok);
  g_clear_error (&run.error);
  /* The hanging check's late cancel callback runs without the run. */
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);

  /* Runs again, cancelled before it starts. */
  g_autoptr (GCancellable) c2 = g_cancellable_new ();
  g_cancellable_cancel (c2);
  iot_check_runner_run_async (runner, c2, run_done, &run);
  g_main_loop_run (run.loop);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&run.error);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_main_loop_unref (run.loop);
}

static void
test_runner_empty (void)
{
  g_autoptr (IotGuidelines) gl = guidelines ();
  IotCheckContext ctx = { .guidelines = gl };
  g_autoptr (IotCheckRunner) runner = iot_check_runner_new (NULL, 0, &ctx);
  Run run = { g_main_loop_new (NULL, FALSE) };
  iot_check_runner_run_async (runner, NULL, run_done, &run);
  g_main_loop_run (run.loop);
  g_main_loop_unref (run.loop);
  g_assert_true (run.ok);
  for (guint i = 1; i <= IOT_N_GUIDELINES; i++)
    g_assert_cmpint (iot_check_runner_get_result (runner, i)->status, ==, IOT_CHECK_MANUAL);
}

/* --- checks on facts, with recorded TXT records ------------------------------ */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotRegistry, iot_registry_free)

/* A registry with one device @host announcing @type with TXT @items. */
static IotRegistry *
device_with (const char *host, const char *type, const char *const *items)
{
  IotRegistry *reg = iot_registry_new ();
  IotTxt *t = iot_txt_new ();
  for (guint i = 0; items && items[i]; i++)
    iot_txt_add_item (t, (const guint8 *) items[i], strlen (items[i]));
  IotRecordKey k = { 2, "lab0", IOT_FAMILY_IPV4, host, type, "local" };
  IotAddress a = { .family = IOT_FAMILY_IPV4, .address = "198.18.0.10", .ifindex = 2,
                   .ifname = "lab0" };
  iot_registry_record_found (reg, &k);
  iot_registry_record_resolved (reg, &k, host, &a, 80, t);
  return reg;
}

static IotDevice *
the_device (IotRegistry *reg)
{
  g_autoptr (GPtrArray) ds = iot_registry_dup_devices (reg);
  g_assert_cmpuint (ds->len, ==, 1);
  return ds->pdata[0];
}

/* Decides in a later main-loop turn, from the device's TXT "ver". */
static IotCheckResult *
decide_ver (const IotCheck *check, const IotCheckContext *ctx)
{
  const IotService *s = ctx->device->services->pdata[0];
  g_autofree char *ver = iot_txt_dup_value (s->txt, "ver");
  g_autofree char *address = iot_address_to_string (&((IotRecord *) s->records->pdata[0])->address);
  return iot_check_result_newf (check, IOT_CHECK_PASS, "%s at %s", ver, address);
}

/* The device leaves while its checks run (the registry frees it): they go on
 * with the device as it was when they began. Under the sanitizers, reading
 * the registry's own device here was a heap use-after-free (found in the
 * lab: the Avahi daemon came back without a device whose card was open). */
static void
test_runner_device_gone (void)
{
  const char *items[] = { "ver=1.4.4", NULL };
  g_autoptr (IotRegistry) reg = device_with ("plug", "_shelly._tcp", items);
  static const IotCheck c_ver = { .id = "ver", .guidelines = { 3 }, .decide = decide_ver };
  const IotCheck *checks[] = { &c_ver };
  IotCheckContext ctx = { .device = the_device (reg) };
  g_autoptr (IotCheckRunner) runner = iot_check_runner_new (checks, G_N_ELEMENTS (checks), &ctx);
  Run run = { g_main_loop_new (NULL, FALSE) };
  iot_check_runner_run_async (runner, NULL, run_done, &run);
  IotRecordKey k = { 2, "lab0", IOT_FAMILY_IPV4, "plug", "_shelly._tcp", "local" };
  iot_registry_record_removed (reg, &k);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 0);
  g_main_loop_run (run.loop);
  g_main_loop_unref (run.loop);
  g_assert_true (run.ok);
  const IotCheckResult *r = iot_check_runner_get_result (runner, 3)->results->pdata[0];
  g_assert_cmpstr (r->evidence, ==, "1.4.4 at 198.18.0.10");
}

static const IotCheck *
fact (const char *id)
{
  guint n;
  const IotCheck *const *checks = iot_checks_facts (&n);
  for (guint i = 0; i < n; i++)
    if (strcmp (checks[i]->id, id) == 0)
      return checks[i];
  g_assert_not_reached ();
}

/* Decides check @id on @device with @profile on 2025-06-01. */
static IotCheckResult *
decide (const char *id, const IotDevice *device, const IotProfile *profile)
{
  g_autoptr (GDateTime) now = g_date_time_new_utc (2025, 6, 1, 12, 0, 0);
  IotCheckContext ctx = { .device = device, .profile = profile, .now = now };
  const IotCheck *c = fact (id);
  return c->decide (c, &ctx);
}

static IotProfile *
profile_with (const char *vdp, const char *until)
{
  IotProfile *p = g_new0 (IotProfile, 1);
  p->vdp = g_strdup (vdp);
  p->support_until = g_strdup (until);
  p->has_password = TRUE;
  return p;
}

static void
test_vdp (void)
{
  g_autoptr (IotProfile) known = profile_with ("https://example.com/security", "");
  g_autoptr (IotProfile) unknown = profile_with ("", "");
  g_autoptr (IotCheckResult) a = decide ("vulnerability-disclosure", NULL, known);
  g_assert_cmpint (a->status, ==, IOT_CHECK_PASS);
  g_assert_nonnull (strstr (a->evidence, "https://example.com/security"));
  g_assert_cmpstr (a->references[0], ==, "ETSI EN 303 645 5.2-1");
  g_autoptr (IotCheckResult) b = decide ("vulnerability-disclosure", NULL, unknown);
  g_assert_cmpint (b->status, ==, IOT_CHECK_WARN);
  g_assert_true (g_str_has_prefix (b->evidence, "Unknown"));
}

static void
test_support_period (void)
{
  const char *shelly_txt[] = { "gen=2", "app=PlusPlugS", "ver=1.4.4",
                               "fw_id=20241011-114455/1.4.4-g6d2a586", NULL };
  g_autoptr (IotRegistry) reg = device_with ("shellyplusplugs-1", "_shelly._tcp", shelly_txt);
  IotDevice *d = the_device (reg);
  g_autoptr (IotProfile) unknown = profile_with ("", "");
  g_autoptr (IotProfile) expired = profile_with ("", "2024-12-31");
  g_autoptr (IotProfile) today = profile_with ("", "2025-06-01");
  g_autoptr (IotProfile) later = profile_with ("", "2030-01-01");

  g_autoptr (IotCheckResult) u = decide ("support-period", d, unknown);
  g_assert_cmpint (u->status, ==, IOT_CHECK_WARN);
  g_assert_true (g_str_has_prefix (u->evidence, "Unknown"));
  g_assert_nonnull (strstr (u->evidence, "Firmware version announced: 1.4.4."));
  g_autoptr (IotCheckResult) e = decide ("support-period", d, expired);
  g_assert_cmpint (e->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (e->evidence, "2024-12-31"));
  g_autoptr (IotCheckResult) t = decide ("support-period", d, today);
  g_assert_cmpint (t->status, ==, IOT_CHECK_PASS);
  g_autoptr (IotCheckResult) l = decide ("support-period", d, later);
  g_assert_cmpint (l->status, ==, IOT_CHECK_PASS);
  g_assert_nonnull (strstr (l->evidence, "2030-01-01"));

  /* ESPHome says "version"; only fw_id: that one; none: said so. */
  const char *esp_txt[] = { "version=2024.6.1", NULL };
  g_autoptr (IotRegistry) r2 = device_with ("esphome-1", "_esphomelib._tcp", esp_txt);
  g_autofree char *v2 = iot_check_dup_firmware_version (the_device (r2));
  g_assert_cmpstr (v2, ==, "2024.6.1");
  const char *fw_txt[] = { "fw_id=\x1b]0;evil\x07" "20241011", NULL };
  g_autoptr (IotRegistry) r3 = device_with ("dev-3", "_http._tcp", fw_txt);
  g_autofree char *v3 = iot_check_dup_firmware_version (the_device (r3));
  g_assert_true (iot_sanitize_is_clean (v3));
  g_assert_null (strchr (v3, '\x1b'));
  g_autoptr (IotRegistry) r4 = device_with ("dev-4", "_http._tcp", NULL);
  g_autoptr (IotCheckResult) n = decide ("support-period", the_device (r4), unknown);
  g_assert_nonnull (strstr (n->evidence, "announces no firmware version"));
}

static void
test_matter_vendor (void)
{
  const char *test_vid[] = { "D=3840", "VP=65521+32769", "CM=1", NULL };
  const char *test_vid4[] = { "VP=65524", NULL };
  const char *real_vid[] = { "VP=4937+1", NULL }; /* 0x1349 */
  const char *bad_vid[] = { "VP=fff1", NULL };
  g_autoptr (IotRegistry) a = device_with ("8F3A", "_matterc._udp", test_vid);
  g_autoptr (IotRegistry) b = device_with ("8F3B", "_matterc._udp", test_vid4);
  g_autoptr (IotRegistry) c = device_with ("8F3C", "_matterc._udp", real_vid);
  g_autoptr (IotRegistry) d = device_with ("8F3D", "_matterc._udp", bad_vid);
  g_autoptr (IotRegistry) e = device_with ("web", "_http._tcp", test_vid);
  g_autoptr (IotCheckResult) ra = decide ("matter-test-vendor", the_device (a), NULL);
  g_assert_cmpint (ra->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (ra->evidence, "Test or development firmware"));
  g_assert_nonnull (strstr (ra->evidence, "0xFFF1"));
  g_autoptr (IotCheckResult) rb = decide ("matter-test-vendor", the_device (b), NULL);
  g_assert_cmpint (rb->status, ==, IOT_CHECK_FAIL);
  g_assert_null (decide ("matter-test-vendor", the_device (c), NULL));
  g_assert_null (decide ("matter-test-vendor", the_device (d), NULL));
  g_assert_null (decide ("matter-test-vendor", the_device (e), NULL));
}

static void
test_reset_steps (void)
{
  g_autoptr (IotProfile) none = profile_with ("", "");
  g_autoptr (IotProfile) some = profile_with ("", "");
  some->reset_steps = g_strsplit ("Hold the button.|It restarts.", "|", -1);
  some->cloud_deletion = g_strdup ("Remove it from the app.");
  g_autoptr (IotCheckResult) a = decide ("reset-steps", NULL, some);
  g_assert_cmpint (a->status, ==, IOT_CHECK_MANUAL);
  g_assert_cmpstr (a->evidence, ==,
                   "Steps known: Hold the button. It restarts. Remove it from the app.");
  g_autoptr (IotCheckResult) b = decide ("reset-steps", NULL, none);
  g_assert_cmpint (b->status, ==, IOT_CHECK_WARN);
}

static void
test_password_kind (void)
{
  g_autoptr (IotProfile) p = profile_with ("", "");
  g_assert_null (decide ("password-kind", NULL, p));
  p->has_password = FALSE;
  g_autoptr (IotCheckResult) r = decide ("password-kind", NULL, p);
  g_assert_cmpint (r->status, ==, IOT_CHECK_NA);
}

static void
test_communicate (void)
{
  const char *esp_plain[] = { "version=2024.6.1",
                              "api_encryption_supported=Noise_NNpsk0_25519_ChaChaPoly_SHA256",
                              NULL };
  const char *esp_enc[] = { "api_encryption=Noise_NNpsk0_25519_ChaChaPoly_SHA256",
                            "api_encryption_supported=Noise_NNpsk0_25519_ChaChaPoly_SHA256",
                            NULL };
  const char *esp_old[] = { "version=1.0", NULL };
  g_autoptr (IotRegistry) a = device_with ("esp-a", "_esphomelib._tcp", esp_plain);
  g_autoptr (IotRegistry) b = device_with ("esp-b", "_esphomelib._tcp", esp_enc);
  g_autoptr (IotRegistry) c = device_with ("esp-c", "_esphomelib._tcp", esp_old);
  g_autoptr (IotCheckResult) ra = decide ("esphome-api-encryption", the_device (a), NULL);
  g_assert_cmpint (ra->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (ra->evidence, "not encrypted"));
  g_autoptr (IotCheckResult) rb = decide ("esphome-api-encryption", the_device (b), NULL);
  g_assert_cmpint (rb->status, ==, IOT_CHECK_PASS);
  g_assert_null (decide ("esphome-api-encryption", the_device (c), NULL));

  const char *hap10[] = { "md=Eve Energy", "pv=1.0", NULL };
  const char *hap11[] = { "md=Eve Energy", "pv=1.1", NULL };
  g_autoptr (IotRegistry) h10 = device_with ("eve-a", "_hap._tcp", hap10);
  g_autoptr (IotRegistry) h11 = device_with ("eve-b", "_hap._tcp", hap11);
  g_autoptr (IotCheckResult) rh = decide ("homekit-protocol-version", the_device (h10), NULL);
  g_assert_cmpint (rh->status, ==, IOT_CHECK_WARN);
  g_assert_null (decide ("homekit-protocol-version", the_device (h11), NULL));

  const char *ipp_http[] = { "adminurl=http://admin:s3cret-Pa55@HP9C7B.local:8631/", NULL };
  const char *ipp_https[] = { "adminurl=https://HP9C7B.local:8631/", NULL };
  g_autoptr (IotRegistry) p1 = device_with ("HP1", "_ipp._tcp", ipp_http);
  g_autoptr (IotRegistry) p2 = device_with ("HP2", "_ipps._tcp", ipp_https);
  g_autoptr (IotCheckResult) rp1 = decide ("printer-admin-page", the_device (p1), NULL);
  g_assert_cmpint (rp1->status, ==, IOT_CHECK_WARN);
  g_assert_nonnull (strstr (rp1->evidence, "http://HP9C7B.local:8631/"));
  g_assert_null (strstr (rp1->evidence, "s3cret")); /* never a secret */
  g_autoptr (IotCheckResult) rp2 = decide ("printer-admin-page", the_device (p2), NULL);
  g_assert_cmpint (rp2->status, ==, IOT_CHECK_PASS);
}

static void
test_url_userinfo (void)
{
  static const char *const cases[][2] = {
    { "http://u:p@h/x@y", "http://h/x@y" },
    { "http://h:80/", "http://h:80/" },
    { "https://a@b@h", "https://h" },
    { "mailto:x@y", "mailto:x@y" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *u = iot_check_dup_url_without_userinfo (cases[i][0], -1);
      g_assert_cmpstr (u, ==, cases[i][1]);
    }
}

/* --- reports ------------------------------------------------------------------ */

static void
run_to_end (IotCheckRunner *runner)
{
  Run run = { g_main_loop_new (NULL, FALSE) };
  iot_check_runner_run_async (runner, NULL, run_done, &run);
  g_main_loop_run (run.loop);
  g_main_loop_unref (run.loop);
  g_assert_no_error (run.error);
}

static void
test_report (void)
{
  g_autoptr (IotGuidelines) gl = guidelines ();
  const char *txt[] = { "version=1.0", "api_encryption_supported=Noise", NULL };
  g_autoptr (IotRegistry) reg =
    device_with ("<script>alert(1)</script> & \"Co\"", "_esphomelib._tcp", txt);
  IotDevice *d = the_device (reg);
  g_autoptr (IotProfile) p = profile_with ("https://example.com/vdp", "2020-01-01");
  p->id = g_strdup ("test");
  p->vendor = g_strdup ("Vendor");
  p->family = g_strdup ("Family");
  p->default_credentials = g_ptr_array_new ();
  g_autoptr (GDateTime) now = g_date_time_new_utc (2025, 6, 1, 12, 0, 0);
  IotCheckContext ctx = { .device = d, .profile = p, .guidelines = gl, .now = now };
  guint n;
  const IotCheck *const *checks = iot_checks_facts (&n);
  g_autoptr (IotCheckRunner) runner = iot_check_runner_new (checks, n, &ctx);
  run_to_end (runner);
  g_autoptr (IotReport) report = iot_report_new (d, p, gl, runner, now);
  g_assert_cmpint (iot_report_get_worst (report), ==, IOT_CHECK_FAIL);
  g_assert_cmpint (iot_report_get_status (report, 3), ==, IOT_CHECK_FAIL);
  g_assert_cmpint (iot_report_get_status (report, 5), ==, IOT_CHECK_FAIL);

  g_autofree char *html = iot_report_to_html (report);
  g_assert_null (strstr (html, "<script>"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"));
  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));

  g_autoptr (JsonNode) root = iot_report_to_json (report);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "schema"), ==, "iotsetup.check/1");
  g_assert_cmpstr (json_object_get_string_member (o, "worst"), ==, "fail");
  JsonArray *gs = json_object_get_array_member (o, "guidelines");
  g_assert_cmpuint (json_array_get_length (gs), ==, 13);
  JsonObject *g3 = json_array_get_object_element (gs, 2);
  g_assert_cmpstr (json_object_get_string_member (g3, "status"), ==, "fail");
  g_assert_cmpstr (json_object_get_string_member (g3, "psti"), ==, "Schedule 1, paragraph 3");

  g_autofree char *text = iot_report_to_text (report);
  g_assert_nonnull (strstr (text, " 3. Keep software updated: FAIL"));
  g_assert_nonnull (strstr (text, "Security updates ended on 2020-01-01"));

  IotReportFormat f;
  g_assert_true (iot_report_format_from_string ("HTML", &f) && f == IOT_REPORT_HTML);
  g_assert_false (iot_report_format_from_string ("pdf", &f));
  g_autofree char *dir = g_dir_make_tmp ("iot-report-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "r.json", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (iot_report_write (report, IOT_REPORT_JSON, path, &error));
  g_assert_no_error (error);
  g_autofree char *back = NULL;
  g_assert_true (g_file_get_contents (path, &back, NULL, NULL));
  g_assert_nonnull (strstr (back, "\"schema\" : \"iotsetup.check/1\""));
  g_autofree char *bad = g_build_filename (dir, "missing", "r.json", NULL);
  g_assert_false (iot_report_write (report, IOT_REPORT_TEXT, bad, &error));
  g_assert_nonnull (error);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/check/status", test_status);
  g_test_add_func ("/check/result-sanitized", test_result_sanitized);
  g_test_add_func ("/check/aggregate", test_aggregate);
  g_test_add_func ("/check/runner", test_runner);
  g_test_add_func ("/check/runner-cancel", test_runner_cancel);
  g_test_add_func ("/check/runner-empty", test_runner_empty);
  g_test_add_func ("/check/runner-device-gone", test_runner_device_gone);
  g_test_add_func ("/check/facts/vdp", test_vdp);
  g_test_add_func ("/check/facts/support-period", test_support_period);
  g_test_add_func ("/check/facts/matter-vendor", test_matter_vendor);
  g_test_add_func ("/check/facts/reset-steps", test_reset_steps);
  g_test_add_func ("/check/facts/password-kind", test_password_kind);
  g_test_add_func ("/check/facts/communicate", test_communicate);
  g_test_add_func ("/check/facts/url-userinfo", test_url_userinfo);
  g_test_add_func ("/check/report", test_report);
  int r = g_test_run ();
  g_free (argv);
  return r;
}
