/* SPDX-License-Identifier: GPL-3.0-or-later
 * The kiosk's core: the staff PIN hash and its rate limit, the stocking
 * verdict on the PSTI duties, the idle timer with its countdown and the end
 * of a session, and receipts (content, no secret, spool files, command).
 */
#include "config.h"

#include "app/core/iot-checks-facts.h"
#include "app/core/iot-kiosk.h"
#include "app/core/iot-receipt.h"
#include "app/core/iot-secret.h"
#include "test-util.h"

#include <glib/gstdio.h>

#define GUIDELINES SRCDIR "/data/guidelines.conf"

static void
test_pin (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *h1 = iot_kiosk_pin_hash ("4711", &error);
  g_assert_no_error (error);
  g_autofree char *h2 = iot_kiosk_pin_hash ("4711", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (h1, "$y$"));
  g_assert_null (strstr (h1, "4711"));
  g_assert_cmpstr (h1, !=, h2); /* salted */
  g_assert_true (iot_kiosk_pin_verify (h1, "4711"));
  g_assert_true (iot_kiosk_pin_verify (h2, "4711"));
  g_assert_false (iot_kiosk_pin_verify (h1, "4712"));
  g_assert_false (iot_kiosk_pin_verify (h1, "47111"));
  g_assert_false (iot_kiosk_pin_verify (h1, ""));
  g_assert_false (iot_kiosk_pin_verify ("", "4711"));
  g_assert_false (iot_kiosk_pin_verify ("$6$salt$x", "4711"));
  g_assert_false (iot_kiosk_pin_verify ("$y$garbage", "4711"));
  /* A truncated hash must not match. */
  g_autofree char *cut = g_strndup (h1, strlen (h1) - 4);
  g_assert_false (iot_kiosk_pin_verify (cut, "4711"));

  g_assert_null (iot_kiosk_pin_hash ("123", &error));
  g_assert_error (error, IOT_KIOSK_ERROR, IOT_KIOSK_ERROR_PIN);
  g_clear_error (&error);
  g_assert_null (iot_kiosk_pin_hash ("12 34", &error));
  g_assert_error (error, IOT_KIOSK_ERROR, IOT_KIOSK_ERROR_PIN);
}

static void
test_pin_guard (void)
{
  IotKioskPinGuard g = { 0 };
  gint64 t = 1000 * G_USEC_PER_SEC;
  for (guint i = 1; i < IOT_KIOSK_PIN_FREE; i++)
    {
      iot_kiosk_pin_guard_record (&g, FALSE, t);
      g_assert_cmpint (iot_kiosk_pin_guard_wait (&g, t), ==, 0);
    }
  iot_kiosk_pin_guard_record (&g, FALSE, t);
  g_assert_cmpint (iot_kiosk_pin_guard_wait (&g, t), ==, 5 * G_USEC_PER_SEC);
  iot_kiosk_pin_guard_record (&g, FALSE, t);
  g_assert_cmpint (iot_kiosk_pin_guard_wait (&g, t), ==, 10 * G_USEC_PER_SEC);
  for (guint i = 0; i < 20; i++)
    iot_kiosk_pin_guard_record (&g, FALSE, t);
  g_assert_cmpint (iot_kiosk_pin_guard_wait (&g, t), ==, 300 * G_USEC_PER_SEC);
  g_assert_cmpint (iot_kiosk_pin_guard_wait (&g, t + 301 * G_USEC_PER_SEC), ==, 0);
  iot_kiosk_pin_guard_record (&g, TRUE, t);
  g_assert_cmpint (iot_kiosk_pin_guard_wait (&g, t), ==, 0);
  g_assert_cmpuint (g.failures, ==, 0);
}

static IotKioskVerdict
verdict (IotCheckStatus a, IotCheckStatus b, IotCheckStatus c, GPtrArray *reasons)
{
  const IotCheckStatus d[] = { a, b, c };
  return iot_kiosk_verdict (d, NULL, reasons);
}

static void
test_verdict (void)
{
  const IotCheckStatus P = IOT_CHECK_PASS, F = IOT_CHECK_FAIL, W = IOT_CHECK_WARN,
                       M = IOT_CHECK_MANUAL, N = IOT_CHECK_NA;
  g_assert_cmpint (verdict (P, P, P, NULL), ==, IOT_KIOSK_MEETS);
  g_assert_cmpint (verdict (N, P, P, NULL), ==, IOT_KIOSK_MEETS);
  g_assert_cmpint (verdict (F, P, P, NULL), ==, IOT_KIOSK_DOES_NOT_MEET);
  g_assert_cmpint (verdict (P, F, P, NULL), ==, IOT_KIOSK_DOES_NOT_MEET);
  g_assert_cmpint (verdict (P, P, F, NULL), ==, IOT_KIOSK_DOES_NOT_MEET);
  g_assert_cmpint (verdict (W, P, P, NULL), ==, IOT_KIOSK_DOES_NOT_MEET);
  g_assert_cmpint (verdict (P, M, P, NULL), ==, IOT_KIOSK_DOES_NOT_MEET);
  g_assert_cmpint (verdict (P, P, W, NULL), ==, IOT_KIOSK_DOES_NOT_MEET);

  g_autoptr (GError) error = NULL;
  g_autoptr (IotGuidelines) gl = iot_guidelines_load (GUIDELINES, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  const IotCheckStatus d[] = { F, W, P };
  g_assert_cmpint (iot_kiosk_verdict (d, gl, reasons), ==, IOT_KIOSK_DOES_NOT_MEET);
  g_assert_cmpuint (reasons->len, ==, 3);
  g_assert_cmpstr (reasons->pdata[0], ==, "1. No default passwords: fails the legal duty");
  g_assert_true (g_str_has_suffix (reasons->pdata[1], ": not shown to be met"));
  g_assert_true (g_str_has_prefix (reasons->pdata[1], "2. "));
  g_assert_true (g_str_has_suffix (reasons->pdata[2], ": met"));
  g_assert_cmpstr (iot_kiosk_verdict_label (IOT_KIOSK_MEETS), !=,
                   iot_kiosk_verdict_label (IOT_KIOSK_DOES_NOT_MEET));
}

typedef struct
{
  GMainLoop *loop;
  GArray *ticks; /* guint */
  guint expired;
} Timer;

static void
countdown_cb (IotKiosk *k, guint left, gpointer data)
{
  Timer *t = data;
  g_array_append_val (t->ticks, left);
}

static void
expired_cb (IotKiosk *k, gpointer data)
{
  Timer *t = data;
  t->expired++;
  g_main_loop_quit (t->loop);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_session_timer (void)
{
  g_autoptr (IotConfig) c = iot_config_new ();
  c->kiosk_idle_timeout = 2.5;
  c->kiosk_countdown = 2;
  Timer t = { g_main_loop_new (NULL, FALSE), g_array_new (FALSE, FALSE, sizeof (guint)) };
  const IotKioskCallbacks cb = { .countdown = countdown_cb, .expired = expired_cb };
  g_autoptr (IotKiosk) k = iot_kiosk_new (c, &cb, &t);
  g_assert_false (iot_kiosk_is_armed (k));
  g_assert_cmpint (iot_kiosk_get_countdown (k), ==, -1);

  /* Not armed: nothing fires. */
  g_timeout_add (300, quit_cb, t.loop);
  g_main_loop_run (t.loop);
  g_assert_cmpuint (t.ticks->len, ==, 0);

  /* Armed, with activity after 1 s: expiry comes 2.5 s after it. */
  gint64 start = g_get_monotonic_time ();
  iot_kiosk_set_armed (k, TRUE);
  g_timeout_add (1000, quit_cb, t.loop);
  g_main_loop_run (t.loop);
  g_assert_cmpuint (t.ticks->len, ==, 1); /* the countdown began at 0.5 s */
  g_assert_cmpint (iot_kiosk_get_countdown (k), ==, 2);
  iot_kiosk_activity (k);
  g_assert_cmpint (iot_kiosk_get_countdown (k), ==, -1);
  gint64 active = g_get_monotonic_time ();
  g_main_loop_run (t.loop);
  gint64 end = g_get_monotonic_time ();
  g_assert_cmpuint (t.expired, ==, 1);
  g_assert_cmpint (end - active, >=, 2500 * 1000 - 20000);
  g_assert_cmpint (end - start, >=, 3500 * 1000 - 20000);
  /* Countdown 2, then (after the activity) 2 and 1. */
  g_assert_cmpuint (t.ticks->len, ==, 3);
  g_assert_cmpuint (g_array_index (t.ticks, guint, 1), ==, 2);
  g_assert_cmpuint (g_array_index (t.ticks, guint, 2), ==, 1);
  g_assert_false (iot_kiosk_is_armed (k));
  g_array_unref (t.ticks);
  g_main_loop_unref (t.loop);
}

static void
test_end_session (void)
{
  g_autoptr (IotConfig) c = iot_config_new ();
  g_free (c->kiosk_language);
  c->kiosk_language = g_strdup ("en");
  g_autoptr (IotKiosk) k = iot_kiosk_new (c, NULL, NULL);
  g_assert_cmpstr (iot_kiosk_get_default_language (k), ==, "en");
  g_autoptr (IotSecret) s = iot_secret_new_from ("Very-Secret-123", -1);
  iot_kiosk_note_device (k, "host:a");
  iot_kiosk_note_device (k, "host:b");
  iot_kiosk_note_device (k, "host:a");
  g_auto (GStrv) ids = iot_kiosk_dup_devices (k);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  iot_kiosk_set_armed (k, TRUE);

  iot_kiosk_end_session (k);
  g_assert_true (iot_secret_is_empty (s));
  g_assert_false (iot_kiosk_is_armed (k));
  g_auto (GStrv) none = iot_kiosk_dup_devices (k);
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  g_autofree char *u1 = iot_kiosk_dup_guidance_url ("https://x.example/{lang}/guide", "de");
  g_assert_cmpstr (u1, ==, "https://x.example/de/guide");
  g_autofree char *u2 = iot_kiosk_dup_guidance_url ("https://x.example/", "de");
  g_assert_cmpstr (u2, ==, "https://x.example/");
  g_assert_null (iot_kiosk_dup_guidance_url ("", "de"));
}

/* --- receipts ---------------------------------------------------------------- */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotRegistry, iot_registry_free)

static void
run_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_assert_true (iot_check_runner_run_finish (NULL, res, NULL));
  g_main_loop_quit (data);
}

static char *
receipt_text (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotGuidelines) gl = iot_guidelines_load (GUIDELINES, &error);
  g_assert_no_error (error);
  g_autoptr (IotRegistry) reg = iot_registry_new ();
  IotRecordKey key = { 2, "lab0", IOT_FAMILY_IPV4, "Kitchen Plug", "_http._tcp", "local" };
  IotAddress a = { .family = IOT_FAMILY_IPV4, .address = "198.18.0.10", .ifindex = 2,
                   .ifname = "lab0" };
  iot_registry_record_found (reg, &key);
  iot_registry_record_resolved (reg, &key, "kitchen-plug", &a, 80, NULL);
  g_autoptr (GPtrArray) ds = iot_registry_dup_devices (reg);
  IotDevice *d = ds->pdata[0];
  IotProfile p = { .vdp = (char *) "https://vendor.example/security",
                   .support_until = (char *) "2030-12-31", .has_password = TRUE };
  g_autoptr (GDateTime) now = g_date_time_new_local (2025, 6, 1, 12, 0, 0);
  IotCheckContext ctx = { .device = d, .profile = &p, .guidelines = gl, .now = now };
  guint n;
  const IotCheck *const *checks = iot_checks_facts (&n);
  g_autoptr (IotCheckRunner) runner = iot_check_runner_new (checks, n, &ctx);
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  iot_check_runner_run_async (runner, NULL, run_done, loop);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);
  g_autoptr (IotReport) report = iot_report_new (d, &p, gl, runner, now);
  g_autoptr (IotReceipt) r = iot_receipt_new ("Corner \x1b[2JShop", now);
  iot_receipt_add_device (r, d, &p, gl, report);
  g_assert_cmpuint (iot_receipt_get_n_devices (r), ==, 1);
  return iot_receipt_to_text (r, "https://guide.example/en/");
}

static void
test_receipt_text (void)
{
  /* A secret alive during the session never reaches the receipt. */
  g_autoptr (IotSecret) s = iot_secret_new_from ("Hunter2-Receipt", -1);
  g_autofree char *text = receipt_text ();
  g_assert_null (strstr (text, "Hunter2"));
  g_assert_null (strchr (text, '\x1b'));
  g_assert_nonnull (strstr (text, "Shop"));
  g_assert_nonnull (strstr (text, "Device setup receipt"));
  g_assert_nonnull (strstr (text, "Date: 2025-06-01 12:00"));
  g_assert_nonnull (strstr (text, "== Kitchen Plug =="));
  g_assert_nonnull (strstr (text, "   1. No default passwords: "));
  g_assert_nonnull (strstr (text, "  13. "));
  g_assert_nonnull (strstr (text, "Still to do at home:"));
  g_assert_nonnull (strstr (text, "Report security problems to: https://vendor.example/security"));
  g_assert_nonnull (strstr (text, "Security updates until: 2030-12-31"));
  g_assert_nonnull (strstr (text, "https://guide.example/en/"));
  g_assert_nonnull (strstr (text, "##"));
  g_assert_nonnull (strstr (text, "no password or other secret"));
}

static void
test_spool (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("iotsetup-spool-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *spool = g_build_filename (dir, "spool", NULL);
  g_autofree char *p1 = NULL, *p2 = NULL;
  g_assert_true (iot_spool_write (spool, "receipt", "one\n", &p1, &error));
  g_assert_no_error (error);
  g_assert_true (iot_spool_write (spool, "receipt", "two\n", &p2, &error));
  g_assert_cmpstr (p1, !=, p2);
  g_autofree char *base = g_path_get_basename (p1);
  g_assert_true (g_regex_match_simple ("^receipt-[0-9]{8}-[0-9]{6}-[A-Za-z0-9]{6}\\.txt$", base,
                                       0, 0));
  g_autofree char *got = NULL;
  g_assert_true (g_file_get_contents (p1, &got, NULL, &error));
  g_assert_cmpstr (got, ==, "one\n");
  /* Nothing else is left in the directory: no temporary file. */
  g_autoptr (GDir) d = g_dir_open (spool, 0, &error);
  guint n = 0;
  while (g_dir_read_name (d))
    n++;
  g_assert_cmpuint (n, ==, 2);
  g_unlink (p1);
  g_unlink (p2);
  g_rmdir (spool);
  g_rmdir (dir);

  /* A directory that cannot be made is an error, not a crash. */
  g_assert_false (iot_spool_write ("/proc/iotsetup-no", "receipt", "x", NULL, &error));
  g_assert_nonnull (error);
}

typedef struct
{
  GMainLoop *loop;
  gboolean ok;
  GError *error;
} Sent;

static void
sent_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Sent *s = data;
  s->ok = iot_receipt_send_finish (res, &s->error);
  g_main_loop_quit (s->loop);
}

static gboolean
send_text (const char *text, const char *const *argv, guint timeout_ms, GError **error)
{
  Sent s = { g_main_loop_new (NULL, FALSE) };
  iot_receipt_send_async (text, argv, timeout_ms, NULL, sent_cb, &s);
  g_main_loop_run (s.loop);
  g_main_loop_unref (s.loop);
  if (s.error)
    g_propagate_error (error, s.error);
  return s.ok;
}

static gboolean
send (const char *const *argv, guint timeout_ms, GError **error)
{
  return send_text ("receipt\n", argv, timeout_ms, error);
}

static void
test_send (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("iotsetup-send-XXXXXX", &error);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  /* The receipt arrives on the command's stdin, word for word. */
  const char *const tee[] = { "/usr/bin/tee", out, NULL };
  g_assert_true (send (tee, 5000, &error));
  g_assert_no_error (error);
  g_autofree char *got = NULL;
  g_assert_true (g_file_get_contents (out, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, "receipt\n");
  g_unlink (out);
  g_rmdir (dir);

  /* It exits without reading: the pipe closes under the writer (EPIPE). */
  const char *const fails[] = { "/bin/false", NULL };
  /* Failed, or (when it exits before the write) the pipe broke: the same
   * failure either way, as the kiosk shows it. */
  g_assert_false (send (fails, 5000, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);

  /* More than a pipe holds, to a command that reads none of it: EPIPE is an
   * error, and the process survives (no SIGPIPE). */
  g_autofree char *big = g_strnfill (1 << 20, 'r');
  g_assert_false (send_text (big, fails, 5000, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);

  const char *const missing[] = { "/nonexistent/lp", NULL };
  g_assert_false (send (missing, 5000, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* A hanging printer command is killed at the timeout. */
  const char *const hangs[] = { "/bin/sleep", "30", NULL };
  gint64 t0 = g_get_monotonic_time ();
  g_assert_false (send (hangs, 300, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5 * G_USEC_PER_SEC);
}

int
main (int argc, char **argv)
{
  /* No isolated user dirs: GLib keeps each case's old ones alive, and after
   * yescrypt's deep stack LSan's fast unwinder cannot name them to suppress. */
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/kiosk/pin", test_pin);
  g_test_add_func ("/kiosk/pin-guard", test_pin_guard);
  g_test_add_func ("/kiosk/verdict", test_verdict);
  g_test_add_func ("/kiosk/session-timer", test_session_timer);
  g_test_add_func ("/kiosk/end-session", test_end_session);
  g_test_add_func ("/kiosk/receipt-text", test_receipt_text);
  g_test_add_func ("/kiosk/spool", test_spool);
  g_test_add_func ("/kiosk/send", test_send);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
