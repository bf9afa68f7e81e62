/* SPDX-License-Identifier: GPL-3.0-or-later
 * The guided password path's pure parts: the verdict for every outcome a
 * verification can see (PASS only with the old default refused and the
 * new password accepted; a page that would carry the new password in
 * clear gets MANUAL, never a PASS), and the login command built from a host name
 * the network sent (a name a shell would not take as one plain word is
 * replaced by the address).
 */
#include "config.h"

#include "app/core/iot-password-guided.h"
#include "test-util.h"

static IotGuidedSeen
ssh_seen (void)
{
  return (IotGuidedSeen) { .kind = IOT_GUIDED_SSH, .reached = TRUE, .asks_login = TRUE, .n_old = 1,
                           .n_old_refused = 1, .new_tried = TRUE, .new_accepted = TRUE,
                           .where = "pi@198.18.0.30" };
}

static void
test_decide_ssh (void)
{
  IotGuidedSeen s = ssh_seen ();
  g_autoptr (IotApplyReport) pass = iot_password_guided_decide (&s);
  g_assert_cmpint (pass->outcome, ==, IOT_APPLY_VERIFIED);
  g_assert_cmpint (pass->result->status, ==, IOT_CHECK_PASS);
  g_assert_cmpstr (pass->result->check_id, ==, IOT_PASSWORD_APPLY_CHECK_ID);
  g_assert_true (g_str_has_prefix (pass->result->evidence, "Verified over SSH (pi@198.18.0.30): "));

  s = ssh_seen ();
  s.n_old_refused = 0; /* passwd not run */
  g_autoptr (IotApplyReport) old = iot_password_guided_decide (&s);
  g_assert_cmpint (old->outcome, ==, IOT_APPLY_NOT_VERIFIED);
  g_assert_cmpint (old->result->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (old->result->evidence, "the old password still works"));

  s = ssh_seen ();
  s.new_accepted = FALSE; /* a typo in passwd */
  g_autoptr (IotApplyReport) typo = iot_password_guided_decide (&s);
  g_assert_cmpint (typo->outcome, ==, IOT_APPLY_NOT_VERIFIED);
  g_assert_cmpint (typo->result->status, ==, IOT_CHECK_WARN);
  g_assert_nonnull (strstr (typo->what, "mistyped"));

  s = ssh_seen ();
  s.new_accepted = FALSE;
  s.key_changed = TRUE; /* another machine answered: nothing was sent */
  g_autoptr (IotApplyReport) key = iot_password_guided_decide (&s);
  g_assert_cmpint (key->result->status, ==, IOT_CHECK_WARN);
  g_assert_nonnull (strstr (key->result->evidence, "SSH key changed"));

  s = ssh_seen ();
  s.reached = FALSE;
  g_autoptr (IotApplyReport) gone = iot_password_guided_decide (&s);
  g_assert_cmpint (gone->outcome, ==, IOT_APPLY_GONE);
  g_assert_cmpint (gone->result->status, !=, IOT_CHECK_PASS);
}

static void
test_decide_web (void)
{
  IotGuidedSeen s = { .kind = IOT_GUIDED_WEB, .reached = TRUE, .where = "https://198.18.0.15:8631/" };
  g_autoptr (IotApplyReport) open = iot_password_guided_decide (&s);
  g_assert_cmpint (open->result->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (open->result->evidence, "still opens without one"));

  s.asks_login = TRUE;
  s.n_old = s.n_old_refused = 1;
  s.new_tried = s.new_accepted = TRUE;
  g_autoptr (IotApplyReport) pass = iot_password_guided_decide (&s);
  g_assert_cmpint (pass->result->status, ==, IOT_CHECK_PASS);
  g_assert_true (g_str_has_prefix (pass->result->evidence, "Verified on the settings page (https://198.18.0.15:8631/)"));

  s.n_old = 2; /* the profile's default still logs in */
  g_autoptr (IotApplyReport) old = iot_password_guided_decide (&s);
  g_assert_cmpint (old->result->status, ==, IOT_CHECK_FAIL);

  /* Basic over plain HTTP: no password and the default refused, the new
   * one not sent: the person's word, said plainly. */
  IotGuidedSeen clear = { .kind = IOT_GUIDED_WEB, .reached = TRUE, .asks_login = TRUE, .n_old = 2,
                          .n_old_refused = 2, .in_clear = TRUE, .where = "http://198.18.0.15:8631/" };
  g_autoptr (IotApplyReport) manual_clear = iot_password_guided_decide (&clear);
  g_assert_cmpint (manual_clear->outcome, ==, IOT_APPLY_MANUAL);
  g_assert_cmpint (manual_clear->result->status, ==, IOT_CHECK_MANUAL);
  g_assert_cmpstr (manual_clear->result->evidence, ==,
                   "The settings page now asks for a password and refuses the default one. The assistant "
                   "did not send your new password to check it, because this page would carry it "
                   "unencrypted.");
  /* ... but the default still logging in is a FAIL all the same. */
  clear.n_old_refused = 1;
  g_autoptr (IotApplyReport) clear_old = iot_password_guided_decide (&clear);
  g_assert_cmpint (clear_old->result->status, ==, IOT_CHECK_FAIL);
  /* ... and a page that opens without a login too. */
  clear.asks_login = FALSE;
  g_autoptr (IotApplyReport) clear_open = iot_password_guided_decide (&clear);
  g_assert_cmpint (clear_open->result->status, ==, IOT_CHECK_FAIL);

  IotGuidedSeen none = { .kind = IOT_GUIDED_NONE };
  g_autoptr (IotApplyReport) manual = iot_password_guided_decide (&none);
  g_assert_cmpint (manual->outcome, ==, IOT_APPLY_MANUAL);
  g_assert_cmpint (manual->result->status, ==, IOT_CHECK_MANUAL);
}

static void
test_login_command (void)
{
  g_autofree char *plain = iot_password_guided_login_command ("pi", "raspberrypi.local", "198.18.0.30");
  g_assert_cmpstr (plain, ==, "ssh pi@raspberrypi.local");
  /* Anything a shell would read as more than a host name: the address. */
  static const char *const hostile[] = {
    "\033[2Jpwned.local", "a;rm -rf ~.local", "$(reboot).local", "a b.local", "-oProxyCommand=x",
    "`id`.local", "host\n.local", "", "é.local",
  };
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *cmd = iot_password_guided_login_command ("pi", hostile[i], "198.18.0.30");
      g_assert_cmpstr (cmd, ==, "ssh pi@198.18.0.30");
    }
  g_autofree char *no_host = iot_password_guided_login_command ("pi", NULL, NULL);
  g_assert_null (no_host);
  g_autofree char *no_user = iot_password_guided_login_command (NULL, "raspberrypi.local", "198.18.0.30");
  g_assert_null (no_user);
  g_autofree char *bad_user = iot_password_guided_login_command ("pi;id", "raspberrypi.local", NULL);
  g_assert_null (bad_user);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/password-guided/decide-ssh", test_decide_ssh);
  g_test_add_func ("/password-guided/decide-web", test_decide_web);
  g_test_add_func ("/password-guided/login-command", test_login_command);
  int r = g_test_run ();
  g_free (argv);
  return r;
}
