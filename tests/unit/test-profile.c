/* SPDX-License-Identifier: GPL-3.0-or-later
 * Tests for the device profiles: the shipped files all load; broken files
 * are refused with file, line and key; matching picks the most specific
 * profile, breaks ties the same way every time, falls back to the generic
 * profile of a service type and then to the catch-all; setup hotspots are
 * recognised by name; hostile names and TXT records neither crash the
 * matcher nor make it claim a family.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-config.h"
#include "app/core/iot-profile.h"
#include "app/core/iot-registry.h"
#include "app/core/iot-sanitize.h"

#include <glib/gstdio.h>
#include <string.h>

#define PROFILES SRCDIR "/data/profiles"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotRegistry, iot_registry_free)

/* --- helpers ------------------------------------------------------------------ */

static IotProfiles *
shipped (void)
{
  g_autoptr (GError) error = NULL;
  IotProfiles *ps = iot_profiles_load_dir (PROFILES, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ps);
  return ps;
}

/* A TXT record from "key=value" items; an item given with its length may
 * hold a NUL. */
static IotTxt *
txt_of (const char *const *items)
{
  IotTxt *t = iot_txt_new ();
  for (guint i = 0; items && items[i]; i++)
    iot_txt_add_item (t, (const guint8 *) items[i], strlen (items[i]));
  return t;
}

/* Announces one resolved service of @host in @reg. */
static void
announce (IotRegistry *reg, const char *host, const char *name, const char *type, IotTxt *txt)
{
  IotRecordKey k = { 2, "lab0", IOT_FAMILY_IPV4, name, type, "local" };
  IotAddress a = { 0 };
  a.family = IOT_FAMILY_IPV4;
  g_strlcpy (a.address, "198.18.0.10", sizeof a.address);
  a.ifindex = 2;
  g_strlcpy (a.ifname, "lab0", sizeof a.ifname);
  iot_registry_record_found (reg, &k);
  iot_registry_record_resolved (reg, &k, host, &a, 80, txt ? txt : iot_txt_new ());
}

typedef struct
{
  const char *name;
  const char *type;
  const char *txt[8];
} Svc;

/* Matches a device made of @svcs; returns the profile id and sets @why. */
static char *
match_id (const IotProfiles *ps, const Svc *svcs, guint n, char **why)
{
  g_autoptr (IotRegistry) reg = iot_registry_new ();
  for (guint i = 0; i < n; i++)
    announce (reg, "device.local", svcs[i].name, svcs[i].type, txt_of (svcs[i].txt));
  IotDevice *d = iot_registry_get_device (reg, "device.local");
  g_assert_nonnull (d);
  g_autoptr (IotProfileMatch) m = iot_profile_match_device (ps, d);
  g_assert_nonnull (m);
  g_assert_nonnull (m->profile);
  if (why)
    *why = iot_profile_match_dup_why (m, FALSE);
  return g_strdup (m->profile->id);
}

static void
expect_match (const IotProfiles *ps, const Svc *svcs, guint n, const char *id, const char *why)
{
  g_autofree char *got_why = NULL;
  g_autofree char *got = match_id (ps, svcs, n, &got_why);
  g_assert_cmpstr (got, ==, id);
  if (why)
    g_assert_cmpstr (got_why, ==, why);
  g_assert_true (iot_sanitize_is_clean (got_why));
}

static char *
make_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("profiles-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* The body of a valid profile; every line is one setting. */
static const char *const base_lines[] = {
  "vendor = \"Maker\";",
  "family = \"Family\";",
  "driver = \"guided\";",
  "match = { services = [ \"_x._tcp\" ]; };",
  "vdp = \"\";",
  "support_until = \"\";",
  "updates = { auto_update = \"no\"; how = \"By hand.\"; };",
  "personal_data = [ ];",
  "reset_steps = [ \"Hold the button.\" ];",
  "cloud_deletion = \"\";",
  "default_credentials = ( );",
  "password_rules = { min_length = 8; max_length = 32; allowed = \"alphanumeric\"; };",
  "guidance = [ \"Set a password.\" ];",
  NULL,
};

/* A profile text with id @id whose setting @key (a line prefix) is
 * replaced by @line (NULL: dropped); @key NULL appends @line instead. */
static char *
profile_text (const char *id, const char *key, const char *line)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "id = \"%s\";\n", id);
  for (guint i = 0; base_lines[i]; i++)
    {
      if (key && g_str_has_prefix (base_lines[i], key))
        {
          if (line)
            g_string_append_printf (s, "%s\n", line);
        }
      else
        g_string_append_printf (s, "%s\n", base_lines[i]);
    }
  if (key == NULL && line)
    g_string_append_printf (s, "%s\n", line);
  return g_string_free (s, FALSE);
}

static const char catch_all[]
    = "id = \"any\"; vendor = \"?\"; family = \"?\"; driver = \"guided\";\n"
      "match = { generic = true; };\n"
      "vdp = \"\"; support_until = \"\"; updates = { auto_update = \"unknown\"; how = \"?\"; };\n"
      "personal_data = [ ]; reset_steps = [ \"?\" ]; cloud_deletion = \"\";\n"
      "default_credentials = ( ); guidance = [ \"?\" ];\n";

/* Loads one profile file "x.conf" made from @text; expects failure with
 * @code and a message containing @needle (and the file name). */
static void
expect_failure (const char *text, int code, const char *needle)
{
  g_autofree char *dir = make_dir ();
  write_file (dir, "x.conf", text);
  g_autofree char *path = g_build_filename (dir, "x.conf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotProfile) p = iot_profile_load_file (path, &error);
  g_assert_null (p);
  g_assert_error (error, IOT_CONFIG_ERROR, code);
  if (strstr (error->message, needle) == NULL || strstr (error->message, path) == NULL)
    g_error ("“%s” does not contain “%s” and the path", error->message, needle);
  remove_dir (dir);
}

/* --- the shipped files ---------------------------------------------------------- */

static void
test_shipped (void)
{
  g_autoptr (IotProfiles) ps = shipped ();
  static const char *const ids[] = {
    "esphome",
    "generic",
    "generic-http",
    "generic-https",
    "generic-ipp",
    "generic-media",
    "generic-mqtt",
    "generic-rtsp",
    "generic-ssh",
    "homebridge",
    "homekit",
    "ipp-everywhere",
    "matter-commissionable",
    "matter-commissioned",
    "mosquitto",
    "raspberry-pi",
    "shelly-gen1",
    "shelly-gen2",
    "tasmota",
    NULL,
  };
  g_assert_cmpuint (iot_profiles_get_n (ps), ==, g_strv_length ((char **) ids));
  guint catch_alls = 0;
  for (guint i = 0; ids[i]; i++)
    {
      const IotProfile *p = iot_profiles_get (ps, i);
      g_assert_cmpstr (p->id, ==, ids[i]); /* sorted by id */
      g_assert_true (p->vendor[0] && p->family[0] && p->updates[0]);
      g_assert_true (p->reset_steps[0] && p->guidance[0]);
      g_assert_true (p->vdp[0] == '\0' || g_str_has_prefix (p->vdp, "https://")
                     || g_str_has_prefix (p->vdp, "mailto:"));
      g_assert_true (!p->has_password
                     || (p->password_min >= 8 && p->password_max >= p->password_min));
      g_assert_true (p->generic == g_str_has_prefix (p->id, "generic"));
      catch_alls += p->catch_all;
    }
  g_assert_cmpuint (catch_alls, ==, 1);
  g_assert_true (iot_profiles_lookup (ps, "generic")->catch_all);
  g_assert_null (iot_profiles_lookup (ps, "nope"));

  /* Facts the checks rely on. */
  const IotProfile *hb = iot_profiles_lookup (ps, "homebridge");
  g_assert_cmpstr (hb->driver, ==, "homebridge-ui");
  g_assert_cmpuint (hb->default_credentials->len, ==, 1);
  IotCredential *c = hb->default_credentials->pdata[0];
  g_assert_cmpstr (c->user, ==, "admin");
  g_assert_cmpstr (c->password, ==, "admin");
  c = iot_profiles_lookup (ps, "raspberry-pi")->default_credentials->pdata[0];
  g_assert_cmpstr (c->user, ==, "pi");
  g_assert_cmpstr (c->password, ==, "raspberry");
  const IotProfile *shelly = iot_profiles_lookup (ps, "shelly-gen2");
  g_assert_cmpstr (shelly->driver, ==, "shelly-gen2");
  g_assert_cmpstr (shelly->vdp, ==, ""); /* not published: the check says unknown */
  g_assert_false (iot_profiles_lookup (ps, "homekit")->has_password);
  g_assert_false (iot_profiles_lookup (ps, "matter-commissionable")->has_password);
  g_assert_cmpint (iot_profiles_lookup (ps, "tasmota")->auto_update, ==, IOT_AUTO_UPDATE_NO);
  g_assert_cmpint (iot_profiles_lookup (ps, "tasmota")->password_chars, ==,
                   IOT_PASSWORD_CHARS_ALPHANUMERIC);
}

static void
test_default_dir (void)
{
  g_setenv ("IOTSETUP_DATADIR", "/opt/iot-data", TRUE);
  g_autofree char *dir = iot_profiles_default_dir ();
  g_autofree char *creds = iot_credentials_default_path ();
  g_assert_cmpstr (dir, ==, "/opt/iot-data/profiles");
  g_assert_cmpstr (creds, ==, "/opt/iot-data/default-credentials.conf");
  g_unsetenv ("IOTSETUP_DATADIR");
  g_autofree char *installed = iot_profiles_default_dir ();
  g_assert_cmpstr (installed, ==, PKGDATADIR "/profiles");
}

static void
test_credentials (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) creds
      = iot_credentials_load (SRCDIR "/data/default-credentials.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (creds->len, >=, 30);
  IotCredential *first = creds->pdata[0];
  g_assert_cmpstr (first->user, ==, "root");
  g_assert_cmpstr (first->password, ==, "xc3511");
  gboolean empty_password = FALSE;
  for (guint i = 0; i < creds->len; i++)
    empty_password |= ((IotCredential *) creds->pdata[i])->password[0] == '\0';
  g_assert_true (empty_password);

  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "creds.conf", NULL);
  write_file (dir, "creds.conf",
              "default_credentials = (\n  { user = \"a\"; password = \"b\"; },\n"
              "  { user = \"a\"; pasword = \"b\"; }\n);\n");
  g_assert_null (iot_credentials_load (path, &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_UNKNOWN_KEY);
  g_assert_nonnull (strstr (error->message, ":3: default_credentials[1].pasword: "));
  g_clear_error (&error);
  write_file (dir, "creds.conf", "credentials = ( );\n");
  g_assert_null (iot_credentials_load (path, &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_UNKNOWN_KEY);
  g_clear_error (&error);
  g_assert_null (iot_credentials_load ("/nonexistent/creds.conf", &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_NOT_FOUND);
  remove_dir (dir);
}

/* --- strict loading ------------------------------------------------------------ */

static void
test_strict (void)
{
  /* The base text itself is valid. */
  {
    g_autofree char *dir = make_dir ();
    g_autofree char *text = profile_text ("x", NULL, NULL);
    write_file (dir, "x.conf", text);
    g_autofree char *path = g_build_filename (dir, "x.conf", NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (IotProfile) p = iot_profile_load_file (path, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (p->family, ==, "Family");
    g_assert_true (p->has_password);
    remove_dir (dir);
  }
  struct
  {
    const char *key, *line;
    int code;
    const char *needle;
  } cases[] = {
    /* unknown keys, at every level, with the line */
    { NULL, "colour = \"red\";", IOT_CONFIG_ERROR_UNKNOWN_KEY, ":15: colour: unknown setting" },
    { "match", "match = { services = [ \"_x._tcp\" ]; servces = [ ]; };",
      IOT_CONFIG_ERROR_UNKNOWN_KEY, ":5: match.servces: unknown setting" },
    { "match", "match = { txt = ( { key = \"a\"; valeu = \"b\"; } ); };",
      IOT_CONFIG_ERROR_UNKNOWN_KEY, "match.txt[0].valeu: unknown setting" },
    { "updates", "updates = { auto_update = \"no\"; how = \"x\"; when = \"now\"; };",
      IOT_CONFIG_ERROR_UNKNOWN_KEY, ":8: updates.when" },
    { "default_credentials", "default_credentials = ( { user = \"a\"; pass = \"b\"; } );",
      IOT_CONFIG_ERROR_UNKNOWN_KEY, "default_credentials[0].pass: unknown setting" },
    { "password_rules",
      "password_rules = { min_length = 8; max_length = 9; allowed = \"any\"; max = 1; };",
      IOT_CONFIG_ERROR_UNKNOWN_KEY, "password_rules.max" },
    /* wrong types */
    { "vendor", "vendor = 3;", IOT_CONFIG_ERROR_TYPE, ":2: vendor: must be text in quotes" },
    { "guidance", "guidance = \"one\";", IOT_CONFIG_ERROR_TYPE,
      "guidance: must be a list of texts" },
    { "guidance", "guidance = [ 1, 2 ];", IOT_CONFIG_ERROR_TYPE, "guidance[0]: must be text" },
    { "updates", "updates = \"yes\";", IOT_CONFIG_ERROR_TYPE, "updates: must be a group" },
    { "default_credentials", "default_credentials = [ \"admin\" ];", IOT_CONFIG_ERROR_TYPE,
      "default_credentials: must be a list of groups" },
    { "match", "match = { services = [ \"_x._tcp\" ]; generic = 1; };", IOT_CONFIG_ERROR_TYPE,
      "match.generic: must be true or false" },
    /* missing and empty settings */
    { "vdp", NULL, IOT_CONFIG_ERROR_VALUE, "x.conf: vdp: this setting is missing" },
    { "match", NULL, IOT_CONFIG_ERROR_VALUE, "match: this setting is missing" },
    { "family", "family = \"\";", IOT_CONFIG_ERROR_VALUE, "family: must not be empty" },
    { "reset_steps", "reset_steps = [ ];", IOT_CONFIG_ERROR_VALUE,
      "reset_steps: must not be empty" },
    /* bad values */
    { "driver", "driver = \"telnet\";", IOT_CONFIG_ERROR_VALUE,
      ":4: driver: must be one of: shelly-gen2" },
    { "updates", "updates = { auto_update = \"maybe\"; how = \"x\"; };", IOT_CONFIG_ERROR_VALUE,
      "updates.auto_update: must be one of" },
    { "vdp", "vdp = \"call us\";", IOT_CONFIG_ERROR_VALUE, "vdp: must be a web address" },
    { "vdp", "vdp = \"javascript:alert(1)\";", IOT_CONFIG_ERROR_VALUE,
      "vdp: must be a web address" },
    { "support_until", "support_until = \"2027-02-30\";", IOT_CONFIG_ERROR_VALUE,
      "support_until: must be a date" },
    { "support_until", "support_until = \"soon\";", IOT_CONFIG_ERROR_VALUE, "support_until" },
    { "match", "match = { services = [ \"_x._tcp\", \"http\" ]; };", IOT_CONFIG_ERROR_VALUE,
      "match.services[1]: “http” is not a DNS-SD service type" },
    { "match", "match = { names = [ \"ab\\x1bc\" ]; };", IOT_CONFIG_ERROR_VALUE,
      "match.names[0]: " },
    { "match", "match = { names = [ ]; };", IOT_CONFIG_ERROR_VALUE,
      "match.names: must not be empty" },
    { "match", "match = { txt = ( { key = \"gen\"; value = \"2||3\"; } ); };",
      IOT_CONFIG_ERROR_VALUE, "match.txt[0].value: must be patterns" },
    { "match", "match = { txt = ( { key = \"a=b\"; } ); };", IOT_CONFIG_ERROR_VALUE,
      "match.txt[0].key: must be printable ASCII" },
    { "match", "match = { txt = ( { key = \"VP\"; range = [ 5, 1 ]; } ); };",
      IOT_CONFIG_ERROR_VALUE, "match.txt[0].range: must be two whole numbers" },
    { "match", "match = { txt = ( { key = \"VP\"; range = [ 1 ]; } ); };", IOT_CONFIG_ERROR_VALUE,
      "match.txt[0].range" },
    { "match", "match = { txt = ( { key = \"VP\"; value = \"1\"; range = [ 1, 2 ]; } ); };",
      IOT_CONFIG_ERROR_VALUE, "not both" },
    { "match", "match = { ssids = [ \"x-*\" ]; };", IOT_CONFIG_ERROR_VALUE,
      "match: needs at least one rule" },
    { "match", "match = { services = [ \"_x._tcp\" ]; names = [ \"x*\" ]; generic = true; };",
      IOT_CONFIG_ERROR_VALUE, "match: a generic profile matches by service type only" },
    { "match", "match = { services = [ \"_x._tcp\" ]; priority = 1000; };", IOT_CONFIG_ERROR_VALUE,
      "match.priority: must be a whole number from -100 to 100" },
    { "password_rules", "password_rules = { min_length = 10; max_length = 9; allowed = \"any\"; };",
      IOT_CONFIG_ERROR_VALUE, "password_rules.max_length: must be a whole number from 10" },
    { "password_rules",
      "password_rules = { min_length = 8; max_length = 9; allowed = \"emoji\"; };",
      IOT_CONFIG_ERROR_VALUE, "password_rules.allowed: must be one of: printable-ascii" },
    /* syntax */
    { "vendor", "vendor = \"unterminated;", IOT_CONFIG_ERROR_PARSE, ":" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = profile_text ("x", cases[i].key, cases[i].line);
      g_test_message ("case %u: %s", i, cases[i].needle);
      expect_failure (text, cases[i].code, cases[i].needle);
    }

  /* The id must be well-formed and name the file. */
  g_autofree char *other = profile_text ("y", NULL, NULL);
  expect_failure (other, IOT_CONFIG_ERROR_VALUE, ":1: id: must match the file name (“x”)");
  g_autofree char *upper = profile_text ("X", NULL, NULL);
  expect_failure (upper, IOT_CONFIG_ERROR_VALUE, ":1: id: may only hold");
}

static void
test_strict_dir (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (iot_profiles_load_dir ("/nonexistent/profiles", &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* No catch-all. */
  g_autofree char *dir = make_dir ();
  g_autofree char *x = profile_text ("x", NULL, NULL);
  write_file (dir, "x.conf", x);
  write_file (dir, "README", "not a profile, not read");
  write_file (dir, ".hidden.conf", "garbage");
  g_assert_null (iot_profiles_load_dir (dir, &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_VALUE);
  g_assert_nonnull (strstr (error->message, "no catch-all profile"));
  g_clear_error (&error);

  /* One catch-all: fine. */
  write_file (dir, "any.conf", catch_all);
  g_autoptr (IotProfiles) ps = iot_profiles_load_dir (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (iot_profiles_get_n (ps), ==, 2);

  /* Two: refused, naming both. */
  g_autofree char *second = g_strdup (catch_all);
  memcpy (strstr (second, "\"any\""), "\"all\"", 5);
  write_file (dir, "all.conf", second);
  g_assert_null (iot_profiles_load_dir (dir, &error));
  g_assert_nonnull (strstr (error->message, "all.conf"));
  g_assert_nonnull (strstr (error->message, "any.conf"));
  g_clear_error (&error);

  /* One bad file spoils the directory, with its name and line. */
  g_autofree char *all = g_build_filename (dir, "all.conf", NULL);
  g_unlink (all);
  write_file (dir, "bad.conf", "id = \"bad\";\nvendor = 1;\n");
  g_assert_null (iot_profiles_load_dir (dir, &error));
  g_assert_nonnull (strstr (error->message, "bad.conf:2: vendor"));
  remove_dir (dir);
}

/* --- matching ------------------------------------------------------------------- */

static void
test_match_families (void)
{
  g_autoptr (IotProfiles) ps = shipped ();

  const Svc shelly[] = {
    { "shellyplusplugs-d4d4da7c1e2f", "_http._tcp", { "gen=2", "app=PlusPlugS", "ver=1.4.4" } },
    { "shellyplusplugs-d4d4da7c1e2f", "_shelly._tcp", { "gen=2", "app=PlusPlugS", "ver=1.4.4" } },
  };
  expect_match (ps, shelly, 2, "shelly-gen2", "service _shelly._tcp and TXT gen=2");
  /* The same names with an unknown generation: only the name rule fits. */
  const Svc shelly_gen9[] = {
    { "shellyplusplugs-d4d4da7c1e2f", "_http._tcp", { "gen=9" } },
    { "shellyplusplugs-d4d4da7c1e2f", "_shelly._tcp", { "gen=9" } },
  };
  expect_match (ps, shelly_gen9, 2, "shelly-gen1",
                "service _http._tcp and name matches “shelly*-*”");

  const Svc homekit[] = { { "Eve Energy 1A2B", "_hap._tcp", { "md=Eve Energy", "ci=7", "sf=1" } } };
  expect_match (ps, homekit, 1, "homekit", "service _hap._tcp");
  const Svc homebridge[] = { { "Homebridge 3C4D 5E6F", "_hap._tcp", { "md=homebridge", "ci=2" } } };
  expect_match (ps, homebridge, 1, "homebridge",
                "service _hap._tcp and name matches “Homebridge*” and TXT ci=2");
  const Svc not_a_bridge[] = { { "Homebridge Lamp", "_hap._tcp", { "ci=5" } } };
  expect_match (ps, not_a_bridge, 1, "homekit", NULL);

  const Svc matterc[]
      = { { "8F3A1C2B7D9E4051", "_matterc._udp", { "D=3840", "VP=65521+32769", "CM=1" } } };
  expect_match (ps, matterc, 1, "matter-commissionable", "service _matterc._udp");
  const Svc matter[] = { { "2906C908D115D362-8FC7772401CD96F3", "_matter._tcp", { NULL } } };
  expect_match (ps, matter, 1, "matter-commissioned", NULL);
  const Svc esphome[]
      = { { "living-room-sensor", "_esphomelib._tcp", { "version=2024.6.1", "platform=ESP32" } } };
  expect_match (ps, esphome, 1, "esphome", "service _esphomelib._tcp");

  const Svc camera[] = {
    { "AXIS M1065-LW - ACCC8E7A3F19", "_http._tcp", { "path=/" } },
    { "AXIS M1065-LW - ACCC8E7A3F19", "_rtsp._tcp", { "path=/axis-media/media.amp" } },
  };
  expect_match (ps, camera, 2, "generic-rtsp", "service _rtsp._tcp (generic profile)");

  const Svc printer[] = {
    { "HP OfficeJet Pro 9010 [3F19A2]", "_http._tcp", { NULL } },
    { "HP OfficeJet Pro 9010 [3F19A2]",
      "_ipps._tcp",
      { "rp=ipp/print", "pdl=image/pwg-raster,image/urf" } },
    { "HP OfficeJet Pro 9010 [3F19A2]",
      "_ipp._tcp",
      { "rp=ipp/print", "pdl=image/pwg-raster,image/urf" } },
    { "HP OfficeJet Pro 9010 [3F19A2]", "_printer._tcp", { NULL } },
  };
  /* _ipp and _ipps tie; the service that sorts first names the reason. */
  expect_match (ps, printer, 4, "ipp-everywhere",
                "service _ipp._tcp and TXT pdl=image/pwg-raster,image/urf");
  const Svc old_printer[] = {
    { "Laser 1000", "_ipp._tcp", { "pdl=application/postscript" } },
    { "Laser 1000", "_http._tcp", { NULL } },
  };
  expect_match (ps, old_printer, 2, "generic-ipp", "service _ipp._tcp (generic profile)");

  const Svc tasmota[] = { { "tasmota-1A2B3C-0123", "_http._tcp", { NULL } } };
  expect_match (ps, tasmota, 1, "tasmota", "service _http._tcp and name matches “tasmota-*”");
  const Svc web[] = { { "Garage Door", "_http._tcp", { "path=/" } } };
  expect_match (ps, web, 1, "generic-http", "service _http._tcp (generic profile)");
  const Svc pi[] = { { "raspberrypi", "_ssh._tcp", { NULL } } };
  expect_match (ps, pi, 1, "raspberry-pi", NULL);
  const Svc nas[] = { { "nas", "_ssh._tcp", { NULL } }, { "nas", "_http._tcp", { NULL } } };
  expect_match (ps, nas, 2, "generic-ssh", NULL);
  const Svc broker[] = { { "Mosquitto MQTT server on hub", "_mqtt._tcp", { NULL } } };
  expect_match (ps, broker, 1, "mosquitto", NULL);
  const Svc other_broker[] = { { "EMQX", "_mqtt._tcp", { NULL } } };
  expect_match (ps, other_broker, 1, "generic-mqtt", NULL);
  const Svc unknown[] = { { "Thing", "_thing._tcp", { "a=b" } } };
  expect_match (ps, unknown, 1, "generic", "no profile knows its services; general advice applies");
}

/* Writes a small profile set into a fresh directory and loads it. */
static IotProfiles *
load_set (char **dir_out, const char *const *files)
{
  char *dir = make_dir ();
  write_file (dir, "any.conf", catch_all);
  for (guint i = 0; files[i]; i += 2)
    {
      g_autofree char *name = g_strconcat (files[i], ".conf", NULL);
      g_autofree char *text = profile_text (files[i], "match", files[i + 1]);
      write_file (dir, name, text);
    }
  g_autoptr (GError) error = NULL;
  IotProfiles *ps = iot_profiles_load_dir (dir, &error);
  g_assert_no_error (error);
  *dir_out = dir;
  return ps;
}

static void
test_match_specificity (void)
{
  static const char *const files[] = {
    "b-type",
    "match = { services = [ \"_x._tcp\" ]; };",
    "a-type",
    "match = { services = [ \"_x._tcp\" ]; };",
    "c-name",
    "match = { services = [ \"_x._tcp\" ]; names = [ \"lamp*\" ]; };",
    "d-txt",
    "match = { services = [ \"_x._tcp\" ]; txt = ( { key = \"k\"; value = \"v*\"; } ); };",
    "e-txt2",
    "match = { services = [ \"_x._tcp\" ]; txt = ( { key = \"k\"; value = \"v*\"; }, "
    "{ key = \"n\"; } ); };",
    "f-name-only",
    "match = { names = [ \"lamp*\" ]; };",
    "g-generic",
    "match = { services = [ \"_x._tcp\", \"_y._tcp\" ]; generic = true; priority = 100; };",
    "h-generic",
    "match = { services = [ \"_y._tcp\" ]; generic = true; };",
    "i-generic",
    "match = { services = [ \"_z._tcp\" ]; generic = true; priority = 50; };",
    "j-range",
    "match = { services = [ \"_matterc._udp\" ]; txt = ( { key = \"VP\"; range = [ 0xFFF1, 0xFFF4 "
    "]; } ); };",
    NULL,
  };
  g_autofree char *dir = NULL;
  g_autoptr (IotProfiles) ps = load_set (&dir, files);

  /* Service type alone: equal scores, the smaller id wins, whatever the
   * order of the files. */
  const Svc x[] = { { "thing", "_x._tcp", { NULL } } };
  expect_match (ps, x, 1, "a-type", "service _x._tcp");
  /* A name pattern beats the type alone; without a type rule it is less
   * specific than with one. */
  const Svc lamp[] = { { "Lamp 2", "_x._tcp", { NULL } } };
  expect_match (ps, lamp, 1, "c-name", "service _x._tcp and name matches “lamp*”");
  const Svc lamp_y[] = { { "Lamp 2", "_w._tcp", { NULL } } };
  expect_match (ps, lamp_y, 1, "f-name-only", "name matches “lamp*”");
  /* TXT beats the name; more TXT rules beat fewer. */
  const Svc txt1[] = { { "Lamp 2", "_x._tcp", { "k=value" } } };
  expect_match (ps, txt1, 1, "d-txt", "service _x._tcp and TXT k=value");
  const Svc txt2[] = { { "Lamp 2", "_x._tcp", { "k=value", "n" } } };
  expect_match (ps, txt2, 1, "e-txt2", "service _x._tcp and TXT k=value and TXT n");
  /* TXT keys are case-insensitive (RFC 6763), values are patterns. */
  const Svc txt_case[] = { { "Lamp 2", "_x._tcp", { "K=VALUE" } } };
  expect_match (ps, txt_case, 1, "d-txt", NULL);
  /* Generic profiles only when nothing specific fits; then priority. */
  const Svc y[] = { { "thing", "_y._tcp", { NULL } } };
  expect_match (ps, y, 1, "g-generic", "service _y._tcp (generic profile)");
  const Svc yz[] = { { "thing", "_y._tcp", { NULL } }, { "thing", "_z._tcp", { NULL } } };
  expect_match (ps, yz, 2, "g-generic", NULL);
  const Svc hz[] = { { "thing", "_z._tcp", { NULL } } };
  expect_match (ps, hz, 1, "i-generic", NULL);
  /* A specific profile beats any generic priority. */
  const Svc xy[] = { { "thing", "_y._tcp", { NULL } }, { "thing", "_x._tcp", { NULL } } };
  expect_match (ps, xy, 2, "a-type", NULL);

  /* Vendor id ranges (Matter VP = vendor+product, decimal). */
  const char *const in_range[] = { "VP=65521+32769", "VP=65524", "vp=65522+1" };
  for (guint i = 0; i < G_N_ELEMENTS (in_range); i++)
    {
      Svc s[] = { { "8F3A", "_matterc._udp", { in_range[i] } } };
      expect_match (ps, s, 1, "j-range", NULL);
    }
  const char *const out_of_range[] = {
    "VP=65520+1",       "VP=65525", "VP=0xFFF1", "VP=+65521", "VP=65521x",
    "VP=99999999999+1", "VP=",      "VP",        "VP=65521 ", "VP=-65521",
  };
  for (guint i = 0; i < G_N_ELEMENTS (out_of_range); i++)
    {
      Svc s[] = { { "8F3A", "_matterc._udp", { out_of_range[i] } } };
      g_test_message ("VP value %s", out_of_range[i]);
      expect_match (ps, s, 1, "any", NULL);
    }
  remove_dir (dir);
}

/* The order in which services arrive never changes the answer. */
static void
test_match_deterministic (void)
{
  g_autoptr (IotProfiles) ps = shipped ();
  const Svc a[] = {
    { "HP OfficeJet", "_ipp._tcp", { "pdl=image/pwg-raster" } },
    { "HP OfficeJet", "_ipps._tcp", { "pdl=image/pwg-raster" } },
    { "HP OfficeJet", "_http._tcp", { NULL } },
  };
  const Svc b[] = { a[2], a[1], a[0] };
  g_autofree char *why_a = NULL, *why_b = NULL;
  g_autofree char *id_a = match_id (ps, a, 3, &why_a);
  g_autofree char *id_b = match_id (ps, b, 3, &why_b);
  g_assert_cmpstr (id_a, ==, "ipp-everywhere");
  g_assert_cmpstr (id_a, ==, id_b);
  g_assert_cmpstr (why_a, ==, why_b);
  for (int round = 0; round < 20; round++)
    {
      g_autofree char *again = match_id (ps, b, 3, NULL);
      g_assert_cmpstr (again, ==, id_a);
    }
}

static void
test_match_hostile (void)
{
  g_autoptr (IotProfiles) ps = shipped ();
  /* TXT values that are not clean text never satisfy a value rule. */
  const char *const bad_gen[] = {
    "gen=2\x1b[31m", "gen=\x1b[0m2", "gen=2\xc2\x9b", "gen=2\xe2\x80\xae", "gen=2\xff", "gen",
    "gen=",          "gen=22",       " gen=2",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad_gen); i++)
    {
      Svc s[] = { { "evil", "_shelly._tcp", { bad_gen[i] } } };
      expect_match (ps, s, 1, "generic", NULL);
    }
  /* An embedded NUL: the TXT parser keeps the bytes; the matcher refuses. */
  {
    g_autoptr (IotRegistry) reg = iot_registry_new ();
    IotTxt *t = iot_txt_new ();
    iot_txt_add_item (t, (const guint8 *)"gen=2\0x", 7);
    announce (reg, "evil.local", "evil", "_shelly._tcp", t);
    g_autoptr (IotProfileMatch) m
        = iot_profile_match_device (ps, iot_registry_get_device (reg, "evil.local"));
    g_assert_cmpstr (m->profile->id, ==, "generic");
  }
  /* A very long value. */
  {
    g_autofree char *long_gen = g_strnfill (250, '2');
    g_autofree char *item = g_strconcat ("gen=", long_gen, NULL);
    Svc s[] = { { "evil", "_shelly._tcp", { item } } };
    expect_match (ps, s, 1, "generic", NULL);
  }
  /* Names with escapes or bidi overrides match no name pattern. */
  const char *const bad_names[] = {
    "tasmota-\x1b]0;owned\x07",
    "\xe2\x80\xaetasmota-1",
    "tasmota-\xc2\x85x",
    "tasmota-\xe2\x80\x8f",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      Svc s[] = { { bad_names[i], "_http._tcp", { NULL } } };
      g_autofree char *why = NULL;
      g_autofree char *id = match_id (ps, s, 1, &why);
      g_assert_cmpstr (id, ==, "generic-http");
      g_assert_true (iot_sanitize_is_clean (why));
    }
  /* A clean but unusual value is shown sanitized and shortened. */
  {
    Svc s[] = { { "printer",
                  "_ipp._tcp",
                  { "pdl=application/pdf,image/pwg-raster,image/urf,image/jpeg,application/"
                    "octet-stream" } } };
    g_autofree char *why = NULL;
    g_autofree char *id = match_id (ps, s, 1, &why);
    g_assert_cmpstr (id, ==, "ipp-everywhere");
    g_assert_true (iot_sanitize_is_clean (why));
    g_assert_cmpuint (strlen (why), <, 120);
  }
}

static void
test_glob (void)
{
  g_assert_true (iot_profile_glob_match ("shelly*-*", "ShellyPlus1-A8032AB1", 20));
  g_assert_true (iot_profile_glob_match ("caf?", "café", strlen ("café")));
  g_assert_true (iot_profile_glob_match ("*", "", 0));
  g_assert_true (iot_profile_glob_match ("a*b*c", "aXbYc", 5));
  g_assert_false (iot_profile_glob_match ("*?", "", 0));
  g_assert_false (iot_profile_glob_match ("ab", "abc", 3));
  g_assert_false (iot_profile_glob_match ("abc", "ab", 2));
  g_assert_false (iot_profile_glob_match ("2", "2\0", 2));
  g_assert_false (iot_profile_glob_match ("*", "\xff", 1));
  g_assert_false (iot_profile_glob_match ("*", NULL, 0));
  /* Non-ASCII letters are compared exactly. */
  g_assert_false (iot_profile_glob_match ("CAFÉ", "café", strlen ("café")));
  /* Many stars against a long near-miss stays cheap. */
  g_autofree char *as = g_strnfill (250, 'a');
  gint64 t0 = g_get_monotonic_time ();
  g_assert_false (iot_profile_glob_match ("*a*a*a*a*a*a*a*a*a*a*b", as, 250));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 500000);
  g_autofree char *too_long = g_strnfill (IOT_PROFILE_MAX_TEXT + 1, 'a');
  g_assert_false (iot_profile_glob_match ("*", too_long, IOT_PROFILE_MAX_TEXT + 1));
}

static void
expect_ssid (const IotProfiles *ps, const char *ssid, gssize len, const char *id, const char *why)
{
  gsize n = len < 0 ? strlen (ssid) : (gsize) len;
  g_autoptr (IotProfileMatch) m = iot_profile_match_ssid (ps, (const guint8 *) ssid, n);
  g_autofree char *shown = g_strescape (ssid, NULL);
  g_test_message ("SSID %s", shown);
  if (id == NULL)
    {
      g_assert_null (m);
      return;
    }
  g_assert_nonnull (m);
  g_assert_cmpstr (m->profile->id, ==, id);
  g_assert_true (m->ssid);
  if (why)
    {
      g_autofree char *got = iot_profile_match_dup_why (m, FALSE);
      g_assert_cmpstr (got, ==, why);
    }
}

static void
test_ssid (void)
{
  g_autoptr (IotProfiles) ps = shipped ();
  expect_ssid (ps, "ShellyPlusPlugS-80646FD0A2B4", -1, "shelly-gen2",
               "Wi-Fi name matches “shellyplus*-*”");
  expect_ssid (ps, "Shelly1PMG3-34B7DA8C1E20", -1, "shelly-gen2", NULL);
  expect_ssid (ps, "shelly1-98CDAC1F03B2", -1, "shelly-gen1", "Wi-Fi name matches “shelly*-*”");
  expect_ssid (ps, "tasmota-1A2B3C-0123", -1, "tasmota", NULL);
  expect_ssid (ps, "DIRECT-7A-HP OfficeJet Pro 9010", -1, "generic-ipp", NULL);
  expect_ssid (ps, "Kitchen Fallback Hotspot", -1, "esphome", NULL);
  expect_ssid (ps, "ESP_1A2B3C", -1, "generic", NULL);
  expect_ssid (ps, "Doorbell-Setup", -1, "generic", "Wi-Fi name matches “*-Setup”");
  /* Ordinary networks are not setup hotspots. */
  expect_ssid (ps, "MyHomeWiFi", -1, NULL, NULL);
  expect_ssid (ps, "shelly", -1, NULL, NULL);
  /* Hostile or impossible SSIDs. */
  expect_ssid (ps, "shelly\x1b[2J-1", -1, NULL, NULL);
  expect_ssid (ps, "shelly\xff-1", -1, NULL, NULL);
  expect_ssid (ps, "shelly1-\0AB", 11, NULL, NULL);
  expect_ssid (ps, "", 0, NULL, NULL);
  expect_ssid (ps, "shelly1-0123456789012345678901234", -1, NULL, NULL); /* 33 bytes */
  g_assert_null (iot_profile_match_ssid (ps, NULL, 5));
}

static void
test_why_translated (void)
{
  /* Untranslated (C locale) both ways: the English text. */
  g_autoptr (IotProfiles) ps = shipped ();
  g_autoptr (IotRegistry) reg = iot_registry_new ();
  announce (reg, "shelly.local", "shellyplusplugs-1", "_shelly._tcp",
            txt_of ((const char *const[]){ "gen=3", NULL }));
  g_autoptr (IotProfileMatch) m
      = iot_profile_match_device (ps, iot_registry_get_device (reg, "shelly.local"));
  g_autofree char *en = iot_profile_match_dup_why (m, FALSE);
  g_autofree char *local = iot_profile_match_dup_why (m, TRUE);
  g_assert_cmpstr (en, ==, "service _shelly._tcp and TXT gen=3");
  g_assert_cmpstr (local, ==, en);
  g_assert_nonnull (m->service);
  g_assert_cmpstr (m->service->type, ==, "_shelly._tcp");
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/profile/shipped", test_shipped);
  g_test_add_func ("/profile/default-dir", test_default_dir);
  g_test_add_func ("/profile/credentials", test_credentials);
  g_test_add_func ("/profile/strict", test_strict);
  g_test_add_func ("/profile/strict-dir", test_strict_dir);
  g_test_add_func ("/profile/match-families", test_match_families);
  g_test_add_func ("/profile/match-specificity", test_match_specificity);
  g_test_add_func ("/profile/match-deterministic", test_match_deterministic);
  g_test_add_func ("/profile/match-hostile", test_match_hostile);
  g_test_add_func ("/profile/glob", test_glob);
  g_test_add_func ("/profile/ssid", test_ssid);
  g_test_add_func ("/profile/why", test_why_translated);
  int r = g_test_run ();
  g_free (argv);
  return r;
}
