/* SPDX-License-Identifier: GPL-3.0-or-later
 * Loads the device profiles and matches devices to them. The files are ours,
 * but they are checked as strictly as the configuration (unknown keys, wrong
 * types and bad values name the file, the line and the key), because a typo
 * in a match rule would otherwise silently identify nothing. Matching only
 * ever looks at clean text: a name or TXT value with control characters,
 * invalid UTF-8 or an embedded NUL matches no pattern at all.
 */
#include "config.h"

#include "iot-profile.h"

#include "iot-config.h"
#include "iot-sanitize.h"

#include <glib/gi18n.h>
#include <libconfig.h>
#include <string.h>

typedef struct
{
  char *key;
  char **alternatives; /* value patterns, or NULL */
  gboolean has_range;
  guint64 low, high;
} TxtRule;

struct _IotProfileRules
{
  char **services; /* NULL when the profile does not restrict the type */
  char **names;
  GPtrArray *txt; /* TxtRule* */
  char **ssids;
};

struct _IotProfiles
{
  GPtrArray *items; /* IotProfile*, sorted by id */
  const IotProfile *catch_all;
};

static const char *const drivers[] = {
  "shelly-gen2", "homebridge-ui", "http-basic", "mqtt", "ssh", "guided", NULL,
};
static const char *const auto_update_names[] = { "unknown", "yes", "optional", "no", NULL };
static const char *const password_chars_names[]
    = { "printable-ascii", "alphanumeric", "any", NULL };

/* ---- freeing ---------------------------------------------------------------- */

void
iot_credential_free (IotCredential *c)
{
  if (c == NULL)
    return;
  g_free (c->user);
  g_free (c->password);
  g_free (c->note);
  g_free (c);
}

static void
txt_rule_free (gpointer p)
{
  TxtRule *r = p;
  g_free (r->key);
  g_strfreev (r->alternatives);
  g_free (r);
}

static void
rules_free (IotProfileRules *r)
{
  if (r == NULL)
    return;
  g_strfreev (r->services);
  g_strfreev (r->names);
  g_clear_pointer (&r->txt, g_ptr_array_unref);
  g_strfreev (r->ssids);
  g_free (r);
}

void
iot_profile_free (IotProfile *p)
{
  if (p == NULL)
    return;
  g_free (p->id);
  g_free (p->vendor);
  g_free (p->family);
  g_free (p->driver);
  g_free (p->file);
  g_free (p->vdp);
  g_free (p->setup_url);
  g_free (p->support_until);
  g_free (p->updates);
  g_free (p->update_url);
  g_free (p->reset_loses);
  g_strfreev (p->personal_data);
  g_strfreev (p->reset_steps);
  g_free (p->cloud_deletion);
  g_clear_pointer (&p->default_credentials, g_ptr_array_unref);
  g_strfreev (p->guidance);
  rules_free (p->rules);
  g_free (p);
}

void
iot_profiles_free (IotProfiles *ps)
{
  if (ps == NULL)
    return;
  g_ptr_array_unref (ps->items);
  g_free (ps);
}

/* ---- paths ------------------------------------------------------------------ */

static char *
data_path (const char *name)
{
  const char *dir = g_getenv ("IOTSETUP_DATADIR");
  return g_build_filename (dir && *dir ? dir : PKGDATADIR, name, NULL);
}

/* Returns: (transfer full): $IOTSETUP_DATADIR/profiles for uninstalled runs,
 * else the installed directory. */
char *
iot_profiles_default_dir (void)
{
  return data_path ("profiles");
}

/* Returns: (transfer full): the generic list of well-known default
 * credentials, next to the profiles. */
char *
iot_credentials_default_path (void)
{
  return data_path ("default-credentials.conf");
}

/* ---- clean text and patterns ------------------------------------------------- */

/* TRUE when @len bytes at @data are short, valid UTF-8 without NUL, controls
 * or invisible format characters: the only text a pattern may match. */
static gboolean
text_is_clean (const char *data, gsize len)
{
  if (data == NULL || len > IOT_PROFILE_MAX_TEXT)
    return FALSE;
  g_autofree char *clean = iot_sanitize_text (data, len, 0);
  return strlen (clean) == len && memcmp (clean, data, len) == 0;
}

/* Glob over clean text: '*' any run of characters, '?' one character,
 * ASCII letters compared without case. Iterative, with one backtrack point,
 * so the cost is bounded by pattern length times text length. */
static gboolean
glob (const char *p, const char *t, const char *end)
{
  const char *star_p = NULL, *star_t = NULL;
  while (t < end)
    {
      if (*p == '*')
        {
          while (*p == '*')
            p++;
          star_p = p;
          star_t = t;
        }
      else if (*p == '?')
        {
          p++;
          t = g_utf8_next_char (t);
        }
      else if (*p != '\0' && g_ascii_tolower (*p) == g_ascii_tolower (*t))
        {
          p++;
          t++;
        }
      else if (star_p != NULL)
        {
          star_t = g_utf8_next_char (star_t);
          p = star_p;
          t = star_t;
        }
      else
        return FALSE;
    }
  while (*p == '*')
    p++;
  return *p == '\0' && t == end;
}

/**
 * iot_profile_glob_match:
 * @pattern: a pattern from a profile ('*', '?', case-insensitive for ASCII)
 * @text: untrusted bytes, not necessarily NUL-terminated
 * @len: their length
 *
 * Returns: TRUE when @text is clean (see text_is_clean()) and matches.
 */
gboolean
iot_profile_glob_match (const char *pattern, const char *text, gsize len)
{
  g_return_val_if_fail (pattern != NULL, FALSE);
  return text_is_clean (text, len) && glob (pattern, text, text + len);
}

/* Counts the literal characters of @pattern: more means more specific. */
static guint
pattern_literals (const char *pattern)
{
  guint n = 0;
  for (const char *p = pattern; *p; p = g_utf8_next_char (p))
    n += *p != '*' && *p != '?';
  return n;
}

/* ---- loading: small typed getters --------------------------------------------- */

typedef struct
{
  const char *file;
  GError **error;
} Ctx;

static char *
join_path (const char *prefix, const char *name)
{
  return prefix ? g_strconcat (prefix, ".", name, NULL) : g_strdup (name);
}

static gboolean
fail (Ctx *c, int code, const config_setting_t *s, const char *path, const char *what)
{
  /* A setting missing at the top of the file has no line to name. */
  if (config_setting_source_line (s) == 0)
    {
      g_set_error (c->error, IOT_CONFIG_ERROR, code, "%s: %s: %s", c->file, path, what);
      return FALSE;
    }
  return iot_config_error_at (c->error, code, s, c->file, path, what);
}

static gboolean
fail_one_of (Ctx *c, const config_setting_t *s, const char *path, const char *const *names)
{
  g_autofree char *list = g_strjoinv (", ", (char **) names);
  g_autofree char *what = g_strdup_printf (_("must be one of: %s"), list);
  return fail (c, IOT_CONFIG_ERROR_VALUE, s, path, what);
}

/* Refuses members of @group that @known does not list. */
static gboolean
check_members (Ctx *c, config_setting_t *group, const char *prefix, const char *const *known)
{
  for (int i = 0; i < config_setting_length (group); i++)
    {
      config_setting_t *s = config_setting_get_elem (group, i);
      if (!g_strv_contains (known, config_setting_name (s)))
        {
          g_autofree char *path = join_path (prefix, config_setting_name (s));
          return fail (c, IOT_CONFIG_ERROR_UNKNOWN_KEY, s, path, _("unknown setting"));
        }
    }
  return TRUE;
}

/* Looks up @name in @group; a missing one is an error when @required. */
static gboolean
member (Ctx *c, config_setting_t *group, const char *prefix, const char *name, gboolean required,
        config_setting_t **out)
{
  *out = config_setting_get_member (group, name);
  if (*out == NULL && required)
    {
      g_autofree char *path = join_path (prefix, name);
      return fail (c, IOT_CONFIG_ERROR_VALUE, group, path, _("this setting is missing"));
    }
  return TRUE;
}

static gboolean
get_text (Ctx *c, config_setting_t *group, const char *prefix, const char *name,
          gboolean may_be_empty, char **out)
{
  config_setting_t *s = NULL;
  if (!member (c, group, prefix, name, TRUE, &s))
    return FALSE;
  g_return_val_if_fail (s != NULL, FALSE); /* a required member is there */
  g_autofree char *path = join_path (prefix, name);
  const char *v = config_setting_get_string (s);
  if (v == NULL)
    return fail (c, IOT_CONFIG_ERROR_TYPE, s, path, _("must be text in quotes"));
  if (!may_be_empty && *v == '\0')
    return fail (c, IOT_CONFIG_ERROR_VALUE, s, path, _("must not be empty"));
  *out = g_strdup (v);
  return TRUE;
}

/* An enumerated text setting: returns the index of its value in @names. */
static gboolean
get_choice (Ctx *c, config_setting_t *group, const char *prefix, const char *name,
            const char *const *names, guint *out)
{
  g_autofree char *v = NULL;
  if (!get_text (c, group, prefix, name, FALSE, &v))
    return FALSE;
  for (guint i = 0; names[i]; i++)
    if (strcmp (names[i], v) == 0)
      {
        *out = i;
        return TRUE;
      }
  g_autofree char *path = join_path (prefix, name);
  return fail_one_of (c, config_setting_get_member (group, name), path, names);
}

static gboolean
get_int (Ctx *c, config_setting_t *group, const char *prefix, const char *name, int min, int max,
         int *out)
{
  config_setting_t *s;
  if (!member (c, group, prefix, name, TRUE, &s))
    return FALSE;
  g_autofree char *path = join_path (prefix, name);
  int type = config_setting_type (s);
  long long v = config_setting_get_int64 (s);
  if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
    v = G_MAXINT64;
  if (v < min || v > max)
    {
      g_autofree char *what
          = g_strdup_printf (_("must be a whole number from %d to %d"), min, max);
      return fail (c, IOT_CONFIG_ERROR_VALUE, s, path, what);
    }
  *out = (int) v;
  return TRUE;
}

/* Each kind of list item has a check and a message for a bad one; the
 * checks run when loading, so matching never meets a surprise. */
typedef struct
{
  gboolean (*check) (const char *item);
  char *(*describe) (const char *item);
} ItemKind;

static gboolean
is_pattern (const char *item)
{
  return *item != '\0' && text_is_clean (item, strlen (item));
}

static char *
describe_pattern (const char *item)
{
  g_autofree char *shown = iot_sanitize_text (item, -1, 64);
  return g_strdup_printf (_("“%s” is not a pattern of printable text"), shown);
}

static gboolean
is_service_type (const char *t)
{
  return g_regex_match_simple ("^_[A-Za-z0-9]([A-Za-z0-9-]{0,13}[A-Za-z0-9])?\\._(tcp|udp)$", t,
                               G_REGEX_DOLLAR_ENDONLY, 0);
}

static char *
describe_service_type (const char *item)
{
  g_autofree char *shown = iot_sanitize_text (item, -1, 64);
  return g_strdup_printf (_("“%s” is not a DNS-SD service type such as _http._tcp"), shown);
}

static gboolean
is_nonempty (const char *item)
{
  return *item != '\0';
}

static char *
describe_empty (const char *item)
{
  return g_strdup (_("must not be empty"));
}

static const ItemKind pattern_items = { is_pattern, describe_pattern };
static const ItemKind service_type_items = { is_service_type, describe_service_type };
static const ItemKind text_items = { is_nonempty, describe_empty };

/* A list of texts, [ "a", "b" ] or ( "a", "b" ), each of @kind, with at
 * least @min_items. Errors name the list's line (libconfig gives an element
 * the line of the token after it) and the element's index. */
static gboolean
get_texts (Ctx *c, config_setting_t *group, const char *prefix, const char *name, gboolean required,
           guint min_items, const ItemKind *kind, char ***out)
{
  config_setting_t *s;
  if (!member (c, group, prefix, name, required, &s))
    return FALSE;
  if (s == NULL)
    return TRUE;
  g_autofree char *path = join_path (prefix, name);
  int type = config_setting_type (s);
  if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
    return fail (c, IOT_CONFIG_ERROR_TYPE, s, path,
                 _("must be a list of texts such as [ \"…\", \"…\" ]"));
  guint n = config_setting_length (s);
  if (n < min_items)
    return fail (c, IOT_CONFIG_ERROR_VALUE, s, path, _("must not be empty"));
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  for (guint i = 0; i < n; i++)
    {
      const char *v = config_setting_get_string_elem (s, i);
      g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);
      if (v == NULL)
        return fail (c, IOT_CONFIG_ERROR_TYPE, s, item_path, _("must be text in quotes"));
      if (!kind->check (v))
        {
          g_autofree char *what = kind->describe (v);
          return fail (c, IOT_CONFIG_ERROR_VALUE, s, item_path, what);
        }
      g_strv_builder_add (b, v);
    }
  *out = g_strv_builder_end (b);
  return TRUE;
}

static gboolean
get_group (Ctx *c, config_setting_t *parent, const char *prefix, const char *name,
           gboolean required, config_setting_t **out)
{
  if (!member (c, parent, prefix, name, required, out))
    return FALSE;
  if (*out != NULL && config_setting_type (*out) != CONFIG_TYPE_GROUP)
    {
      g_autofree char *path = join_path (prefix, name);
      return fail (c, IOT_CONFIG_ERROR_TYPE, *out, path, _("must be a group: { … }"));
    }
  return TRUE;
}

/* ---- loading: the parts of a profile ------------------------------------------- */

static gboolean
load_credentials (Ctx *c, config_setting_t *list, const char *path, GPtrArray **out)
{
  if (config_setting_type (list) != CONFIG_TYPE_LIST)
    return fail (c, IOT_CONFIG_ERROR_TYPE, list, path,
                 _("must be a list of groups such as ( { … }, { … } )"));
  static const char *const known[] = { "user", "password", "note", NULL };
  g_autoptr (GPtrArray) creds
      = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_credential_free);
  for (int i = 0; i < config_setting_length (list); i++)
    {
      config_setting_t *e = config_setting_get_elem (list, i);
      g_autofree char *item = g_strdup_printf ("%s[%d]", path, i);
      if (config_setting_type (e) != CONFIG_TYPE_GROUP)
        return fail (c, IOT_CONFIG_ERROR_TYPE, e, item, _("must be a group: { … }"));
      IotCredential *cred = g_new0 (IotCredential, 1);
      g_ptr_array_add (creds, cred);
      if (!check_members (c, e, item, known) || !get_text (c, e, item, "user", TRUE, &cred->user)
          || !get_text (c, e, item, "password", TRUE, &cred->password))
        return FALSE;
      if (config_setting_get_member (e, "note") != NULL
          && !get_text (c, e, item, "note", FALSE, &cred->note))
        return FALSE;
    }
  *out = g_steal_pointer (&creds);
  return TRUE;
}

static gboolean
load_txt_rule (Ctx *c, config_setting_t *e, const char *path, GPtrArray *rules)
{
  static const char *const known[] = { "key", "value", "range", NULL };
  if (config_setting_type (e) != CONFIG_TYPE_GROUP)
    return fail (c, IOT_CONFIG_ERROR_TYPE, e, path, _("must be a group: { … }"));
  TxtRule *r = g_new0 (TxtRule, 1);
  g_ptr_array_add (rules, r);
  if (!check_members (c, e, path, known) || !get_text (c, e, path, "key", FALSE, &r->key))
    return FALSE;
  g_autofree char *key_path = join_path (path, "key");
  for (const char *k = r->key; *k; k++)
    if (*k < 0x20 || *k > 0x7E || *k == '=')
      return fail (c, IOT_CONFIG_ERROR_VALUE, config_setting_get_member (e, "key"), key_path,
                   _("must be printable ASCII without “=”"));

  config_setting_t *value = config_setting_get_member (e, "value");
  config_setting_t *range = config_setting_get_member (e, "range");
  if (value && range)
    return fail (c, IOT_CONFIG_ERROR_VALUE, e, path, _("may have “value” or “range”, not both"));
  if (value)
    {
      g_autofree char *v = NULL;
      g_autofree char *value_path = join_path (path, "value");
      if (!get_text (c, e, path, "value", FALSE, &v))
        return FALSE;
      r->alternatives = g_strsplit (v, "|", -1);
      for (guint i = 0; r->alternatives[i]; i++)
        if (!is_pattern (r->alternatives[i]))
          return fail (c, IOT_CONFIG_ERROR_VALUE, value, value_path,
                       _("must be patterns of printable text separated by “|”"));
    }
  if (range)
    {
      g_autofree char *range_path = join_path (path, "range");
      int type = config_setting_type (range);
      gboolean ok = (type == CONFIG_TYPE_ARRAY || type == CONFIG_TYPE_LIST)
                    && config_setting_length (range) == 2;
      long long lo = -1, hi = -1;
      for (int i = 0; ok && i < 2; i++)
        {
          config_setting_t *n = config_setting_get_elem (range, i);
          int nt = config_setting_type (n);
          ok = nt == CONFIG_TYPE_INT || nt == CONFIG_TYPE_INT64;
          *(i ? &hi : &lo) = ok ? config_setting_get_int64 (n) : -1;
        }
      if (!ok || lo < 0 || hi < lo || hi > G_MAXUINT32)
        return fail (c, IOT_CONFIG_ERROR_VALUE, range, range_path,
                     _("must be two whole numbers [ LOW, HIGH ] with LOW ≤ HIGH"));
      r->has_range = TRUE;
      r->low = lo;
      r->high = hi;
    }
  return TRUE;
}

static gboolean
load_match (Ctx *c, IotProfile *p, config_setting_t *root)
{
  static const char *const known[]
      = { "services", "names", "txt", "ssids", "generic", "priority", NULL };
  config_setting_t *m;
  if (!get_group (c, root, NULL, "match", TRUE, &m) || !check_members (c, m, "match", known))
    return FALSE;
  IotProfileRules *r = p->rules = g_new0 (IotProfileRules, 1);
  r->txt = g_ptr_array_new_with_free_func (txt_rule_free);
  if (!get_texts (c, m, "match", "services", FALSE, 1, &service_type_items, &r->services)
      || !get_texts (c, m, "match", "names", FALSE, 1, &pattern_items, &r->names)
      || !get_texts (c, m, "match", "ssids", FALSE, 1, &pattern_items, &r->ssids))
    return FALSE;

  config_setting_t *txt = config_setting_get_member (m, "txt");
  if (txt != NULL)
    {
      if (config_setting_type (txt) != CONFIG_TYPE_LIST || config_setting_length (txt) == 0)
        return fail (c, IOT_CONFIG_ERROR_TYPE, txt, "match.txt",
                     _("must be a list of groups such as ( { … }, { … } )"));
      for (int i = 0; i < config_setting_length (txt); i++)
        {
          g_autofree char *path = g_strdup_printf ("match.txt[%d]", i);
          if (!load_txt_rule (c, config_setting_get_elem (txt, i), path, r->txt))
            return FALSE;
        }
    }

  config_setting_t *generic = config_setting_get_member (m, "generic");
  if (generic != NULL)
    {
      if (config_setting_type (generic) != CONFIG_TYPE_BOOL)
        return fail (c, IOT_CONFIG_ERROR_TYPE, generic, "match.generic",
                     _("must be true or false"));
      p->generic = config_setting_get_bool (generic);
    }
  if (config_setting_get_member (m, "priority") != NULL
      && !get_int (c, m, "match", "priority", -100, 100, &p->priority))
    return FALSE;

  /* A generic profile stands for a service type (or, without one, for
   * everything); a specific one needs something to recognise. */
  if (p->generic && (r->names || r->txt->len > 0))
    return fail (c, IOT_CONFIG_ERROR_VALUE, m, "match",
                 _("a generic profile matches by service type only"));
  if (!p->generic && !r->services && !r->names && r->txt->len == 0)
    return fail (c, IOT_CONFIG_ERROR_VALUE, m, "match",
                 _("needs at least one rule: services, names or txt"));
  p->catch_all = p->generic && r->services == NULL;
  return TRUE;
}

static gboolean
is_date (const char *v)
{
  /* YYYY-MM-DD, a day that exists. */
  if (strlen (v) != 10 || v[4] != '-' || v[7] != '-')
    return FALSE;
  int n[3] = { 0, 0, 0 }, field = 0;
  for (int i = 0; i < 10; i++)
    {
      if (i == 4 || i == 7)
        {
          field++;
          continue;
        }
      if (!g_ascii_isdigit (v[i]))
        return FALSE;
      n[field] = n[field] * 10 + (v[i] - '0');
    }
  return g_date_valid_dmy (n[2], n[1], n[0]);
}

static gboolean
is_contact (const char *v)
{
  return g_regex_match_simple ("^(https?://[^\\s\"<>]+|mailto:[^\\s@\"<>]+@[^\\s@\"<>]+)$", v,
                               G_REGEX_DOLLAR_ENDONLY, 0);
}

static gboolean
load_profile (Ctx *c, IotProfile *p, config_setting_t *root, const char *expected_id)
{
  static const char *const known[] = {
    "id",
    "vendor",
    "family",
    "driver",
    "match",
    "vdp",
    "support_until",
    "updates",
    "personal_data",
    "reset_steps",
    "cloud_deletion",
    "default_credentials",
    "password_rules",
    "guidance",
    "setup_url",
    "web_port",
    "credentials_in_url",
    "reset_loses",
    NULL,
  };
  if (!check_members (c, root, NULL, known) || !get_text (c, root, NULL, "id", FALSE, &p->id))
    return FALSE;
  config_setting_t *s = config_setting_get_member (root, "id");
  if (!g_regex_match_simple ("^[a-z0-9][a-z0-9-]{0,63}$", p->id, G_REGEX_DOLLAR_ENDONLY, 0))
    return fail (c, IOT_CONFIG_ERROR_VALUE, s, "id",
                 _("may only hold lower-case letters, digits and “-”"));
  if (expected_id && strcmp (p->id, expected_id) != 0)
    {
      g_autofree char *what = g_strdup_printf (_("must match the file name (“%s”)"), expected_id);
      return fail (c, IOT_CONFIG_ERROR_VALUE, s, "id", what);
    }

  guint driver;
  if (!get_text (c, root, NULL, "vendor", FALSE, &p->vendor)
      || !get_text (c, root, NULL, "family", FALSE, &p->family)
      || !get_choice (c, root, NULL, "driver", drivers, &driver) || !load_match (c, p, root))
    return FALSE;
  p->driver = g_strdup (drivers[driver]);

  if (!get_text (c, root, NULL, "vdp", TRUE, &p->vdp))
    return FALSE;
  if (*p->vdp && !is_contact (p->vdp))
    return fail (c, IOT_CONFIG_ERROR_VALUE, config_setting_get_member (root, "vdp"), "vdp",
                 _("must be a web address (https://…), a mailto: address, or \"\" when unknown"));
  /* Optional: the page a device serves on its own setup hotspot. */
  if (config_setting_get_member (root, "setup_url") == NULL)
    p->setup_url = g_strdup ("");
  else if (!get_text (c, root, NULL, "setup_url", TRUE, &p->setup_url))
    return FALSE;
  if (*p->setup_url && !g_regex_match_simple ("^https?://[^\\s\"<>]+$", p->setup_url,
                                              G_REGEX_DOLLAR_ENDONLY, 0))
    return fail (c, IOT_CONFIG_ERROR_VALUE, config_setting_get_member (root, "setup_url"),
                 "setup_url", _("must be a web address (http://…), or \"\" when unknown"));
  if (!get_text (c, root, NULL, "support_until", TRUE, &p->support_until))
    return FALSE;
  if (*p->support_until && !is_date (p->support_until))
    return fail (c, IOT_CONFIG_ERROR_VALUE, config_setting_get_member (root, "support_until"),
                 "support_until",
                 _("must be a date such as 2027-12-31, or \"\" when none is published"));

  static const char *const updates_known[] = { "auto_update", "how", "url", NULL };
  config_setting_t *updates;
  guint auto_update;
  if (!get_group (c, root, NULL, "updates", TRUE, &updates)
      || !check_members (c, updates, "updates", updates_known)
      || !get_choice (c, updates, "updates", "auto_update", auto_update_names, &auto_update)
      || !get_text (c, updates, "updates", "how", FALSE, &p->updates))
    return FALSE;
  p->auto_update = (IotAutoUpdate) auto_update;
  /* Optional: where updates are installed, for the QR code of the guided
   * steps: the maker's page, or a path on the device's own web page. */
  if (config_setting_get_member (updates, "url") == NULL)
    p->update_url = g_strdup ("");
  else if (!get_text (c, updates, "updates", "url", TRUE, &p->update_url))
    return FALSE;
  if (*p->update_url && !g_regex_match_simple ("^(https?://|/)[^\\s\"<>]*$", p->update_url,
                                               G_REGEX_DOLLAR_ENDONLY, 0))
    return fail (c, IOT_CONFIG_ERROR_VALUE, config_setting_get_member (updates, "url"), "updates.url",
                 _("must be a web address (https://…), a path on the device's page (/…), or \"\""));
  /* Optional: what the driver's "delete it now" loses, when that is less
   * than a factory reset (the Homebridge accessory reset). */
  if (config_setting_get_member (root, "reset_loses") == NULL)
    p->reset_loses = g_strdup ("");
  else if (!get_text (c, root, NULL, "reset_loses", TRUE, &p->reset_loses))
    return FALSE;

  if (!get_texts (c, root, NULL, "personal_data", TRUE, 0, &text_items, &p->personal_data)
      || !get_texts (c, root, NULL, "reset_steps", TRUE, 1, &text_items, &p->reset_steps)
      || !get_text (c, root, NULL, "cloud_deletion", TRUE, &p->cloud_deletion)
      || !get_texts (c, root, NULL, "guidance", TRUE, 1, &text_items, &p->guidance))
    return FALSE;

  /* Optional: the web interface's port, for devices that announce only
   * another service (the Homebridge UI next to its _hap._tcp bridge). */
  if (config_setting_get_member (root, "web_port") != NULL)
    {
      int port = 0;
      if (!get_int (c, root, NULL, "web_port", 1, 65535, &port))
        return FALSE;
      p->web_port = (guint) port;
    }
  config_setting_t *in_url = config_setting_get_member (root, "credentials_in_url");
  if (in_url != NULL)
    {
      if (config_setting_type (in_url) != CONFIG_TYPE_BOOL)
        return fail (c, IOT_CONFIG_ERROR_VALUE, in_url, "credentials_in_url",
                     _("must be true or false"));
      p->credentials_in_url = config_setting_get_bool (in_url);
    }

  config_setting_t *creds;
  if (!member (c, root, NULL, "default_credentials", TRUE, &creds)
      || !load_credentials (c, creds, "default_credentials", &p->default_credentials))
    return FALSE;

  static const char *const rules_known[] = { "min_length", "max_length", "allowed", NULL };
  config_setting_t *rules;
  int min = 0, max = 0;
  guint chars = 0;
  if (!get_group (c, root, NULL, "password_rules", FALSE, &rules))
    return FALSE;
  if (rules != NULL)
    {
      if (!check_members (c, rules, "password_rules", rules_known)
          || !get_int (c, rules, "password_rules", "min_length", 1, 128, &min)
          || !get_int (c, rules, "password_rules", "max_length", min, 256, &max)
          || !get_choice (c, rules, "password_rules", "allowed", password_chars_names, &chars))
        return FALSE;
      p->has_password = TRUE;
      p->password_min = min;
      p->password_max = max;
      p->password_chars = (IotPasswordChars) chars;
    }
  return TRUE;
}

/* Reads @path into @cf; FALSE with @error set when it cannot. */
static gboolean
read_file (config_t *cf, const char *path, GError **error)
{
  if (config_read_file (cf, path) == CONFIG_TRUE)
    return TRUE;
  if (config_error_type (cf) == CONFIG_ERR_FILE_IO)
    {
      g_set_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_NOT_FOUND,
                   _("%s: cannot read the file"), path);
      return FALSE;
    }
  return iot_config_parse_error (cf, path, error);
}

/* Loads one profile from the file @path, or from @text when it is not
 * NULL (then @path only names it); the id must be @path's name without
 * ".conf". */
static IotProfile *
load_config (const char *path, const char *text, GError **error)
{
  g_autoptr (IotProfile) p = g_new0 (IotProfile, 1);
  p->file = g_strdup (path);
  g_autofree char *base = g_path_get_basename (path);
  if (g_str_has_suffix (base, ".conf"))
    base[strlen (base) - strlen (".conf")] = '\0';

  config_t cf;
  config_init (&cf);
  Ctx c = { path, error };
  gboolean read = text == NULL ? read_file (&cf, path, error)
                  : config_read_string (&cf, text) == CONFIG_TRUE || iot_config_parse_error (&cf, path, error);
  gboolean ok = read && load_profile (&c, p, config_root_setting (&cf), base);
  config_destroy (&cf);
  /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): g_autoptr frees it; clang 14's analyzer does not model cleanup attributes */
  return ok ? g_steal_pointer (&p) : NULL;
}

/**
 * iot_profile_load_file:
 *
 * Loads one profile; its id must be the file's name without ".conf".
 * Returns: (transfer full) (nullable):
 */
IotProfile *
iot_profile_load_file (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return load_config (path, NULL, error);
}

/**
 * iot_profile_load_string:
 *
 * Loads one profile from @text as if it were the file @name (which errors
 * name, and whose name without ".conf" the id must be).
 * Returns: (transfer full) (nullable):
 */
IotProfile *
iot_profile_load_string (const char *text, const char *name, GError **error)
{
  g_return_val_if_fail (text != NULL && name != NULL, NULL);
  return load_config (name, text, error);
}

static int
profile_cmp (gconstpointer a, gconstpointer b)
{
  const IotProfile *x = *(const IotProfile *const *)a;
  const IotProfile *y = *(const IotProfile *const *)b;
  return strcmp (x->id, y->id);
}

/**
 * iot_profiles_load_dir:
 *
 * Loads every "*.conf" in @dir. There must be exactly one catch-all profile,
 * so every device gets one.
 * Returns: (transfer full) (nullable):
 */
IotProfiles *
iot_profiles_load_dir (const char *dir, GError **error)
{
  g_return_val_if_fail (dir != NULL, NULL);
  g_autoptr (GError) local = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      g_set_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_NOT_FOUND,
                   _("%s: cannot read the device profiles: %s"), dir, local->message);
      return NULL;
    }
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_profile_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (name[0] == '.' || !g_str_has_suffix (name, ".conf"))
        continue;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      IotProfile *p = iot_profile_load_file (path, error);
      if (p == NULL)
        return NULL;
      g_ptr_array_add (items, p);
    }
  return iot_profiles_new (g_steal_pointer (&items), dir, error);
}

/**
 * iot_profiles_new:
 * @items: (transfer full): IotProfile*, freed by the array's own free
 *   function (so a caller can lend profiles)
 * @where: names the set in errors
 *
 * The set of @items. There must be exactly one catch-all profile, so every
 * device gets one.
 * Returns: (transfer full) (nullable):
 */
IotProfiles *
iot_profiles_new (GPtrArray *items, const char *where, GError **error)
{
  g_return_val_if_fail (items != NULL && where != NULL, NULL);
  g_autoptr (IotProfiles) ps = g_new0 (IotProfiles, 1);
  ps->items = items;
  g_ptr_array_sort (ps->items, profile_cmp);
  for (guint i = 0; i < ps->items->len; i++)
    {
      const IotProfile *p = ps->items->pdata[i];
      if (!p->catch_all)
        continue;
      if (ps->catch_all != NULL)
        {
          g_set_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_VALUE,
                       _("%s: %s and %s are both catch-all profiles"), where, ps->catch_all->file,
                       p->file);
          return NULL;
        }
      ps->catch_all = p;
    }
  if (ps->catch_all == NULL)
    {
      /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): g_autoptr frees it; clang 14's analyzer does not model cleanup attributes */
      g_set_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_VALUE,
                   _("%s: there is no catch-all profile (match = { generic = true; })"), where);
      return NULL;
    }
  return g_steal_pointer (&ps);
}

guint
iot_profiles_get_n (const IotProfiles *ps)
{
  return ps ? ps->items->len : 0;
}

const IotProfile *
iot_profiles_get (const IotProfiles *ps, guint i)
{
  g_return_val_if_fail (ps != NULL && i < ps->items->len, NULL);
  return ps->items->pdata[i];
}

const IotProfile *
iot_profiles_lookup (const IotProfiles *ps, const char *id)
{
  for (guint i = 0; ps && id && i < ps->items->len; i++)
    if (strcmp (((IotProfile *) ps->items->pdata[i])->id, id) == 0)
      return ps->items->pdata[i];
  return NULL;
}

/**
 * iot_credentials_load:
 *
 * Loads a file holding only `default_credentials = ( { user = "…";
 * password = "…"; }, … );`, the shape profiles use too.
 * Returns: (transfer full) (element-type IotCredential) (nullable):
 */
GPtrArray *
iot_credentials_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  static const char *const known[] = { "default_credentials", NULL };
  config_t cf;
  config_init (&cf);
  Ctx c = { path, error };
  GPtrArray *creds = NULL;
  config_setting_t *list;
  if (read_file (&cf, path, error) && check_members (&c, config_root_setting (&cf), NULL, known)
      && member (&c, config_root_setting (&cf), NULL, "default_credentials", TRUE, &list))
    load_credentials (&c, list, "default_credentials", &creds);
  config_destroy (&cf);
  return creds;
}

/* ---- matching --------------------------------------------------------------- */

/* How specific a match is; compared field by field, in this order. */
typedef struct
{
  gboolean specific; /* not a generic profile */
  guint n_txt;
  gboolean name;
  gboolean service;
  int priority;
} Score;

static int
score_cmp (const Score *a, const Score *b)
{
  if (a->specific != b->specific)
    return a->specific ? 1 : -1;
  if (a->n_txt != b->n_txt)
    return a->n_txt > b->n_txt ? 1 : -1;
  if (a->name != b->name)
    return a->name ? 1 : -1;
  if (a->service != b->service)
    return a->service ? 1 : -1;
  return a->priority == b->priority ? 0 : a->priority > b->priority ? 1 : -1;
}

void
iot_profile_match_free (IotProfileMatch *m)
{
  if (m == NULL)
    return;
  g_free (m->service_type);
  g_free (m->name_pattern);
  g_strfreev (m->txt);
  g_free (m);
}

/* The leading decimal number of a value such as Matter's VP ("65521+32769":
 * vendor 65521, product 32769). */
static gboolean
leading_number (const char *data, gsize len, guint64 *out)
{
  gsize n = 0;
  while (n < len && n < 10 && g_ascii_isdigit (data[n]))
    n++;
  if (n == 0 || (n < len && data[n] != '+'))
    return FALSE;
  char digits[11];
  memcpy (digits, data, n);
  digits[n] = '\0';
  return g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT32, out, NULL);
}

/* Returns: (transfer full) (nullable): what the rule saw ("key=value"), or
 * NULL when @txt does not satisfy @r. */
static char *
txt_rule_check (const TxtRule *r, const IotTxt *txt)
{
  const IotTxtEntry *e = iot_txt_lookup (txt, r->key);
  if (e == NULL)
    return NULL;
  if (r->alternatives == NULL && !r->has_range)
    return g_strdup (r->key); /* present: that is all it asks */
  if (e->value == NULL)
    return NULL;
  gsize len;
  const char *data = g_bytes_get_data (e->value, &len);
  if (!text_is_clean (data, len))
    return NULL;
  gboolean ok = FALSE;
  for (guint i = 0; !ok && r->alternatives && r->alternatives[i]; i++)
    ok = glob (r->alternatives[i], data, data + len);
  guint64 n;
  if (r->has_range)
    ok = leading_number (data, len, &n) && n >= r->low && n <= r->high;
  if (!ok)
    return NULL;
  g_autofree char *shown = iot_sanitize_text (data, len, 48);
  return g_strdup_printf ("%s=%s", r->key, shown);
}

/* Returns: (transfer full) (nullable): how @p matches @s, with its score. */
static IotProfileMatch *
match_service (const IotProfile *p, const IotService *s, Score *score)
{
  const IotProfileRules *r = p->rules;
  g_autoptr (IotProfileMatch) m = g_new0 (IotProfileMatch, 1);
  m->profile = p;
  m->service = s;
  if (r->services)
    {
      for (guint i = 0; r->services[i] && m->service_type == NULL; i++)
        if (s->type && g_ascii_strcasecmp (s->type, r->services[i]) == 0)
          m->service_type = g_strdup (r->services[i]);
      if (m->service_type == NULL)
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): g_autoptr frees it; clang 14's analyzer does not model cleanup attributes */
        return NULL;
    }
  if (r->names)
    {
      gsize len = s->name ? strlen (s->name) : 0;
      for (guint i = 0; r->names[i] && m->name_pattern == NULL; i++)
        if (s->name && iot_profile_glob_match (r->names[i], s->name, len))
          m->name_pattern = g_strdup (r->names[i]);
      if (m->name_pattern == NULL)
        return NULL;
    }
  if (r->txt->len > 0)
    {
      g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
      for (guint i = 0; i < r->txt->len; i++)
        {
          g_autofree char *seen = txt_rule_check (r->txt->pdata[i], s->txt);
          if (seen == NULL)
            return NULL;
          g_strv_builder_add (b, seen);
        }
      m->txt = g_strv_builder_end (b);
    }
  *score = (Score){ !p->generic, r->txt->len, r->names != NULL, r->services != NULL, p->priority };
  return g_steal_pointer (&m);
}

/* Orders services so that ties between them have one answer. */
static int
service_cmp (const IotService *a, const IotService *b)
{
  int c = g_strcmp0 (a->type, b->type);
  return c != 0 ? c : g_strcmp0 (a->name, b->name);
}

/**
 * iot_profile_match_device:
 *
 * Finds the most specific profile for @device: specific profiles before
 * generic ones; then more TXT rules, then an instance-name pattern, then a
 * service type rule, then the profile's priority; the smaller id breaks a
 * remaining tie. With nothing else, the catch-all.
 * Returns: (transfer full):
 */
IotProfileMatch *
iot_profile_match_device (const IotProfiles *ps, const IotDevice *device)
{
  g_return_val_if_fail (ps != NULL && device != NULL, NULL);
  IotProfileMatch *best = NULL;
  Score best_score = { 0 };
  for (guint i = 0; i < ps->items->len; i++)
    {
      const IotProfile *p = ps->items->pdata[i];
      if (p->catch_all)
        continue;
      for (guint j = 0; j < device->services->len; j++)
        {
          const IotService *s = device->services->pdata[j];
          Score score;
          IotProfileMatch *m = match_service (p, s, &score);
          if (m == NULL)
            continue;
          int c = best ? score_cmp (&score, &best_score) : 1;
          /* Profiles come sorted by id, so on a tie the earlier one stays;
           * within one profile, the first service in a fixed order. */
          if (c > 0 || (c == 0 && best->profile == p && service_cmp (s, best->service) < 0))
            {
              iot_profile_match_free (best);
              best = m;
              best_score = score;
            }
          else
            iot_profile_match_free (m);
        }
    }
  if (best == NULL)
    {
      best = g_new0 (IotProfileMatch, 1);
      best->profile = ps->catch_all;
    }
  return best;
}

/**
 * iot_profile_match_ssid:
 * @ssid: a Wi-Fi network name as received (up to 32 bytes, any bytes)
 *
 * Finds the profile whose setup-hotspot pattern fits @ssid best: the
 * pattern with more literal characters, then a specific profile before a
 * generic one, then the smaller id.
 * Returns: (transfer full) (nullable): NULL when no profile's pattern fits.
 */
IotProfileMatch *
iot_profile_match_ssid (const IotProfiles *ps, const guint8 *ssid, gsize len)
{
  g_return_val_if_fail (ps != NULL, NULL);
  if (ssid == NULL || len == 0 || len > 32)
    return NULL;
  const IotProfile *best = NULL;
  const char *best_pattern = NULL;
  guint best_literals = 0;
  for (guint i = 0; i < ps->items->len; i++)
    {
      const IotProfile *p = ps->items->pdata[i];
      for (guint k = 0; p->rules->ssids && p->rules->ssids[k]; k++)
        {
          const char *pattern = p->rules->ssids[k];
          if (!iot_profile_glob_match (pattern, (const char *) ssid, len))
            continue;
          guint literals = pattern_literals (pattern);
          if (best == NULL || literals > best_literals
              || (literals == best_literals && best->generic && !p->generic))
            {
              best = p;
              best_pattern = pattern;
              best_literals = literals;
            }
        }
    }
  if (best == NULL)
    return NULL;
  IotProfileMatch *m = g_new0 (IotProfileMatch, 1);
  m->profile = best;
  m->name_pattern = g_strdup (best_pattern);
  m->ssid = TRUE;
  return m;
}

static const char *tr (gboolean translate, const char *msgid) G_GNUC_FORMAT (2);

static const char *
tr (gboolean translate, const char *msgid)
{
  return translate ? _ (msgid) : msgid;
}

/**
 * iot_profile_match_dup_why:
 * @translate: TRUE for the user's language, FALSE for English (JSON, logs)
 *
 * Returns: (transfer full): why the profile was chosen, in plain words,
 * e.g. "service _shelly._tcp and TXT gen=2".
 */
char *
iot_profile_match_dup_why (const IotProfileMatch *m, gboolean translate)
{
  g_return_val_if_fail (m != NULL && m->profile != NULL, NULL);
  if (m->ssid)
    return g_strdup_printf (tr (translate, N_("Wi-Fi name matches “%s”")), m->name_pattern);
  if (m->profile->catch_all)
    return g_strdup (tr (translate, N_("no profile knows its services; general advice applies")));

  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  if (m->service_type)
    g_ptr_array_add (parts, g_strdup_printf (tr (translate, N_("service %s")), m->service_type));
  if (m->name_pattern)
    g_ptr_array_add (parts,
                     g_strdup_printf (tr (translate, N_("name matches “%s”")), m->name_pattern));
  for (guint i = 0; m->txt && m->txt[i]; i++)
    /* Translators: a DNS-SD TXT record entry such as "gen=2" */
    g_ptr_array_add (parts, g_strdup_printf (tr (translate, N_("TXT %s")), m->txt[i]));

  char *why = g_strdup (parts->len ? (char *) parts->pdata[0] : "");
  for (guint i = 1; i < parts->len; i++)
    {
      /* Translators: joins two reasons, e.g. "service _shelly._tcp and TXT gen=2" */
      char *joined
          = g_strdup_printf (tr (translate, N_("%s and %s")), why, (char *) parts->pdata[i]);
      g_free (why);
      why = joined;
    }
  if (m->profile->generic)
    {
      char *generic = g_strdup_printf (tr (translate, N_("%s (generic profile)")), why);
      g_free (why);
      why = generic;
    }
  return why;
}
