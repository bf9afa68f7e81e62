/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-password.[ch]: generated passwords (length,
 * alphabet, groups, entropy, uniqueness, the device's limits) and typed
 * ones refused for each reason, and good passphrases accepted.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-password.h"

#include <math.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotRegistry, iot_registry_free)

static IotPasswordRules
rules_of (guint min, guint max, IotPasswordChars chars)
{
  IotPasswordRules r = { min, max, chars };
  return r;
}

static void
check_generated (const IotSecret *s, const IotPasswordRules *r, double bits)
{
  const char *pw = iot_secret_get (s);
  gsize len = iot_secret_len (s);
  g_assert_cmpuint (len, >=, r->min_length);
  if (r->max_length)
    g_assert_cmpuint (len, <=, r->max_length);
  guint n_chars = 0;
  for (gsize i = 0; i < len; i++)
    {
      if (pw[i] == '-')
        {
          g_assert_true (r->chars != IOT_PASSWORD_CHARS_ALPHANUMERIC);
          /* Dashes only between whole groups. */
          g_assert_cmpuint ((i + 1) % (IOT_PASSWORD_GROUP + 1), ==, 0);
          continue;
        }
      g_assert_nonnull (strchr (IOT_PASSWORD_ALPHABET, pw[i]));
      n_chars++;
    }
  g_assert_null (strpbrk (pw, "0oO1lIi5sS2zZ8bBgGqQuvUV"));
  /* The entropy from the alphabet and the number of random characters. */
  double expect = n_chars * log2 ((double) strlen (IOT_PASSWORD_ALPHABET));
  g_assert_cmpfloat (expect, >=, IOT_PASSWORD_GENERATED_BITS);
  g_assert_cmpfloat (fabs (bits - expect), <, 1e-9);
}

static void
test_generate_default (void)
{
  IotPasswordRules r;
  iot_password_rules_init (&r, NULL);
  double bits = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotSecret) s = iot_password_generate (&r, &bits, &error);
  g_assert_no_error (error);
  check_generated (s, &r, bits);
  /* 20 characters in 5 groups of 4: "xxxx-xxxx-xxxx-xxxx-xxxx". */
  g_assert_cmpuint (iot_secret_len (s), ==, 24);
  g_assert_cmpint (iot_secret_get (s)[4], ==, '-');
  /* A generated password passes its own check. */
  g_autoptr (IotPasswordCheck) c = iot_password_check_new (&r);
  g_assert_cmpint (iot_password_check_run (c, s, NULL), ==, IOT_PASSWORD_OK);
}

static void
test_generate_unique (void)
{
  IotPasswordRules r = rules_of (8, 64, IOT_PASSWORD_CHARS_PRINTABLE_ASCII);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint counts[256] = { 0 };
  for (int i = 0; i < 1000; i++)
    {
      double bits;
      g_autoptr (IotSecret) s = iot_password_generate (&r, &bits, NULL);
      check_generated (s, &r, bits);
      for (const char *p = iot_secret_get (s); *p; p++)
        counts[(guchar) *p]++;
      /* A test-only copy: this is a throwaway password. */
      g_assert_true (g_hash_table_add (seen, g_strdup (iot_secret_get (s))));
    }
  /* Every letter of the alphabet turns up about equally often (20000
   * draws over 21 letters: about 952 each; a bias of the modulo would show
   * as some letters far from it). */
  for (const char *a = IOT_PASSWORD_ALPHABET; *a; a++)
    {
      g_assert_cmpuint (counts[(guchar) *a], >, 800);
      g_assert_cmpuint (counts[(guchar) *a], <, 1110);
    }
  g_assert_cmpuint (iot_secret_count_live (), ==, 0);
}

static void
test_generate_profile_limits (void)
{
  /* Letters and digits only: no dashes. */
  IotPasswordRules r = rules_of (8, 32, IOT_PASSWORD_CHARS_ALPHANUMERIC);
  double bits;
  g_autoptr (IotSecret) a = iot_password_generate (&r, &bits, NULL);
  check_generated (a, &r, bits);
  g_assert_null (strchr (iot_secret_get (a), '-'));
  g_assert_cmpuint (iot_secret_len (a), ==, 20);
  /* Too short a maximum for dashes: they go, the strength stays. */
  r = rules_of (8, 22, IOT_PASSWORD_CHARS_PRINTABLE_ASCII);
  g_autoptr (IotSecret) b = iot_password_generate (&r, &bits, NULL);
  check_generated (b, &r, bits);
  g_assert_cmpuint (iot_secret_len (b), ==, 20);
  /* A long minimum makes it longer. */
  r = rules_of (40, 64, IOT_PASSWORD_CHARS_ANY);
  g_autoptr (IotSecret) c = iot_password_generate (&r, &bits, NULL);
  check_generated (c, &r, bits);
  g_assert_cmpuint (iot_secret_len (c), >=, 40);
  /* No room for 80 bits: an error, not a weak password. */
  r = rules_of (8, 16, IOT_PASSWORD_CHARS_ALPHANUMERIC);
  g_autoptr (GError) error = NULL;
  g_assert_null (iot_password_generate (&r, NULL, &error));
  g_assert_error (error, IOT_PASSWORD_ERROR, IOT_PASSWORD_ERROR_RULES);
}

static void
test_rules_from_profile (void)
{
  g_autofree char *path = g_build_filename (SRCDIR, "data", "profiles", "esphome.conf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotProfile) p = iot_profile_load_file (path, &error);
  g_assert_no_error (error);
  IotPasswordRules r;
  iot_password_rules_init (&r, p);
  g_assert_cmpuint (r.min_length, ==, 12);
  g_assert_cmpuint (r.max_length, ==, 64);
  g_assert_cmpint (r.chars, ==, IOT_PASSWORD_CHARS_ALPHANUMERIC);
  double bits;
  g_autoptr (IotSecret) s = iot_password_generate (&r, &bits, NULL);
  check_generated (s, &r, bits);
}

/* A device as the lab's Shelly announces itself. */
static IotRegistry *
shelly (void)
{
  static const char *const items[] = { "gen=2", "app=PlusPlugS", "id=shellyplusplugs-d4d4da7c1e2f",
                                       "mac=D4D4DA7C1E2F", "ver=1.4.4", NULL };
  IotRegistry *reg = iot_registry_new ();
  IotTxt *t = iot_txt_new ();
  for (guint i = 0; items[i]; i++)
    iot_txt_add_item (t, (const guint8 *) items[i], strlen (items[i]));
  IotRecordKey k = { 2, "lab0", IOT_FAMILY_IPV4, "shellyplusplugs-d4d4da7c1e2f", "_shelly._tcp",
                     "local" };
  IotAddress a = { .family = IOT_FAMILY_IPV4, .address = "198.18.0.10", .ifindex = 2,
                   .ifname = "lab0" };
  iot_registry_record_found (reg, &k);
  iot_registry_record_resolved (reg, &k, "shellyplusplugs-d4d4da7c1e2f.local", &a, 80, t);
  return reg;
}

static IotPasswordCheck *
shelly_check (IotRegistry *reg)
{
  g_autofree char *path = g_build_filename (SRCDIR, "data", "profiles", "shelly-gen2.conf", NULL);
  g_autofree char *creds_path = g_build_filename (SRCDIR, "data", "default-credentials.conf", NULL);
  g_autoptr (IotProfile) p = iot_profile_load_file (path, NULL);
  g_assert_nonnull (p);
  g_autoptr (GPtrArray) creds = iot_credentials_load (creds_path, NULL);
  g_assert_nonnull (creds);
  IotPasswordRules r;
  iot_password_rules_init (&r, p);
  IotPasswordCheck *c = iot_password_check_new (&r);
  iot_password_check_add_defaults (c, creds);
  g_autoptr (GPtrArray) ds = iot_registry_dup_devices (reg);
  g_assert_cmpuint (ds->len, ==, 1);
  iot_password_check_add_device (c, ds->pdata[0], p);
  return c;
}

typedef struct
{
  const char *password;
  IotPasswordProblem must;     /* these problems, at least */
  IotPasswordProblem must_not; /* and none of these */
} Case;

static void
test_refused_and_accepted (void)
{
  static const Case cases[] = {
    /* too short, whatever else */
    { "", IOT_PASSWORD_TOO_SHORT, 0 },
    { "x7#Kp", IOT_PASSWORD_TOO_SHORT, IOT_PASSWORD_DEFAULT },
    /* default-credential lists (global and the profile) */
    { "xc3511", IOT_PASSWORD_DEFAULT | IOT_PASSWORD_TOO_SHORT, 0 },
    { "admin1234", IOT_PASSWORD_DEFAULT, 0 },
    { "raspberry", IOT_PASSWORD_DEFAULT, IOT_PASSWORD_IDENTIFIER },
    { "Raspberry2", IOT_PASSWORD_DEFAULT, 0 },
    { "supervisor", IOT_PASSWORD_DEFAULT | IOT_PASSWORD_WEAK, 0 },
    { "juantech", IOT_PASSWORD_DEFAULT | IOT_PASSWORD_WEAK, 0 },
    /* the device's identifiers, in any spelling (PSTI) */
    { "D4:D4:DA:7C:1E:2F", IOT_PASSWORD_IDENTIFIER, 0 },
    { "my-d4d4da7c1e2f-plug", IOT_PASSWORD_IDENTIFIER, 0 },
    { "7C1E2F!horse-staple", IOT_PASSWORD_IDENTIFIER, 0 },
    { "shellyplusplugs", IOT_PASSWORD_IDENTIFIER, 0 },
    { "ShellyPlusPlugS-D4D4DA7C1E2F", IOT_PASSWORD_IDENTIFIER, 0 },
    { "PlusPlugS#Kitchen", IOT_PASSWORD_IDENTIFIER, 0 },
    /* sequences, repeats, keyboard rows, counters */
    { "abcdefgh", IOT_PASSWORD_PATTERN | IOT_PASSWORD_WEAK, 0 },
    { "12345678", IOT_PASSWORD_PATTERN | IOT_PASSWORD_WEAK, 0 },
    { "98765432", IOT_PASSWORD_PATTERN, 0 },
    { "aaaaaaaaaaaa", IOT_PASSWORD_PATTERN | IOT_PASSWORD_WEAK, 0 },
    { "qwertyuiop", IOT_PASSWORD_PATTERN | IOT_PASSWORD_WEAK, 0 },
    { "asdfghjkl;", IOT_PASSWORD_PATTERN, 0 },
    { "abc123abc123", IOT_PASSWORD_PATTERN, 0 },
    { "password1", IOT_PASSWORD_PATTERN | IOT_PASSWORD_WEAK, 0 },
    { "sunshine12", IOT_PASSWORD_PATTERN | IOT_PASSWORD_WEAK, 0 },
    { "monkey2024", IOT_PASSWORD_PATTERN | IOT_PASSWORD_WEAK, 0 },
    /* only weak */
    { "Tr0ub4dor&3", IOT_PASSWORD_WEAK, IOT_PASSWORD_IDENTIFIER | IOT_PASSWORD_DEFAULT },
    { "iloveyou", IOT_PASSWORD_WEAK, IOT_PASSWORD_IDENTIFIER },
    /* characters outside the device's set (printable ASCII for Shelly) */
    { "grüne-wiese-fährt-rad", IOT_PASSWORD_BAD_CHARS, 0 },
    { "tab\there is bad text", IOT_PASSWORD_BAD_CHARS, 0 },
    /* too long for Shelly (64) */
    { "correct horse battery staple correct horse battery staple and more", IOT_PASSWORD_TOO_LONG, 0 },
    /* good passphrases and random strings */
    { "correct horse battery staple", 0, ~0u },
    { "violet tractor quietly inhales 42 moons", 0, ~0u },
    { "m4k#Qz!pW9v@xL2t", 0, ~0u },
    { "dhtp-wx3k-afr7-mcey", 0, ~0u },
    { "Wandering-Heron-Bakes-Tulips", 0, ~0u },
  };
  g_autoptr (IotRegistry) reg = shelly ();
  g_autoptr (IotPasswordCheck) c = shelly_check (reg);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (IotSecret) s = iot_secret_new_from (cases[i].password, -1);
      double bits;
      IotPasswordProblem p = iot_password_check_run (c, s, &bits);
      if ((p & cases[i].must) != cases[i].must || (p & cases[i].must_not) != 0)
        {
          g_test_message ("“%s”: problems 0x%x (want 0x%x, not 0x%x), %.1f bits",
                          cases[i].password, p, cases[i].must, cases[i].must_not, bits);
          g_test_fail ();
        }
    }
  /* Every problem has a reason of its own, in words. */
  IotPasswordRules r = rules_of (8, 64, IOT_PASSWORD_CHARS_ALPHANUMERIC);
  g_autoptr (GPtrArray) all = iot_password_problem_reasons (0x7f, &r);
  g_assert_cmpuint (all->len, ==, 7);
  g_autoptr (GPtrArray) none = iot_password_problem_reasons (IOT_PASSWORD_OK, &r);
  g_assert_cmpuint (none->len, ==, 0);
  g_autoptr (GPtrArray) one = iot_password_problem_reasons (IOT_PASSWORD_TOO_SHORT, &r);
  g_assert_nonnull (strstr (one->pdata[0], "8"));
}

static void
test_alphanumeric_device (void)
{
  IotPasswordRules r = rules_of (12, 64, IOT_PASSWORD_CHARS_ALPHANUMERIC);
  g_autoptr (IotPasswordCheck) c = iot_password_check_new (&r);
  g_autoptr (IotSecret) s = iot_secret_new_from ("correct horse battery staple", -1);
  g_assert_cmpint (iot_password_check_run (c, s, NULL), ==, IOT_PASSWORD_BAD_CHARS);
  g_autoptr (IotSecret) t = iot_secret_new_from ("CorrectHorseBatteryStaple", -1);
  g_assert_cmpint (iot_password_check_run (c, t, NULL), ==, IOT_PASSWORD_OK);
  g_autoptr (IotSecret) u = iot_secret_new_from ("Xk7mQ2pW9vL", -1); /* 11 < 12 */
  g_assert_cmpint (iot_password_check_run (c, u, NULL) & IOT_PASSWORD_TOO_SHORT, !=, 0);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/password/generate/default", test_generate_default);
  g_test_add_func ("/password/generate/unique-uniform", test_generate_unique);
  g_test_add_func ("/password/generate/limits", test_generate_profile_limits);
  g_test_add_func ("/password/generate/profile", test_rules_from_profile);
  g_test_add_func ("/password/check/cases", test_refused_and_accepted);
  g_test_add_func ("/password/check/alphanumeric", test_alphanumeric_device);
  int status = g_test_run ();
  g_free (argv);
  return status;
}
