/* SPDX-License-Identifier: GPL-3.0-or-later
 * Device passwords. Generation draws from getrandom(2) with rejection
 * sampling, so every character of the alphabet is equally likely. Checking
 * runs libzxcvbn with the device's identifiers as user words and adds the
 * rules zxcvbn cannot know: the default-credential lists, the PSTI rule
 * against passwords based on product identifiers, and counters. Every copy
 * of a password made here (normalized forms) is an IotSecret too.
 */
#include "config.h"

#include "iot-password.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/random.h>
#include <zxcvbn.h>

/* Identifiers shorter than this match too much by chance ("1e2f"). */
#define MIN_IDENTIFIER 4
/* Sequences and repeats shorter than this are ordinary text. */
#define MIN_RUN 4

struct _IotPasswordCheck
{
  IotPasswordRules rules;
  GPtrArray *identifiers; /* char*, normalized */
  GPtrArray *defaults;    /* char*, normalized */
  GPtrArray *words;       /* char*, as given: zxcvbn's user words */
};

G_DEFINE_QUARK (iot-password-error-quark, iot_password_error)

/* Sets @rules from a profile's password_rules, or general defaults. */
void
iot_password_rules_init (IotPasswordRules *rules, const IotProfile *profile)
{
  rules->min_length = IOT_PASSWORD_MIN_LENGTH;
  rules->max_length = 0;
  rules->chars = IOT_PASSWORD_CHARS_PRINTABLE_ASCII;
  if (profile != NULL && profile->has_password)
    {
      rules->min_length = MAX (profile->password_min, (guint) IOT_PASSWORD_MIN_LENGTH);
      rules->max_length = profile->password_max;
      rules->chars = profile->password_chars;
    }
}

IotPasswordSetup *
iot_password_setup_new (const char *device_id, const char *device_name, const IotProfile *profile)
{
  IotPasswordSetup *s = g_new0 (IotPasswordSetup, 1);
  s->device_id = g_strdup (device_id);
  s->device_name = g_strdup (device_name);
  s->profile = profile;
  iot_password_rules_init (&s->rules, profile);
  return s;
}

/* Wipes the password with everything else: the end of the wizard. */
void
iot_password_setup_free (IotPasswordSetup *s)
{
  if (s == NULL)
    return;
  iot_secret_free (s->secret);
  g_free (s->device_id);
  g_free (s->device_name);
  g_free (s);
}

static gboolean
fill_random (guint8 *buf, gsize len, GError **error)
{
  gsize done = 0;
  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_set_error (error, IOT_PASSWORD_ERROR, IOT_PASSWORD_ERROR_RANDOM,
                       _("The system gave no random numbers: %s"), g_strerror (errno));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

/**
 * iot_password_generate:
 * @bits: (out) (optional): the entropy of the result, in bits
 *
 * Groups of IOT_PASSWORD_GROUP characters from IOT_PASSWORD_ALPHABET,
 * joined by "-" where the device accepts it (e.g. "xk7d-m3pa-…"), at least
 * IOT_PASSWORD_GENERATED_BITS strong and within @rules.
 *
 * Returns: (transfer full): the password, or NULL with @error set.
 */
IotSecret *
iot_password_generate (const IotPasswordRules *rules, double *bits, GError **error)
{
  const gsize n_alpha = strlen (IOT_PASSWORD_ALPHABET);
  const double per_char = log2 ((double) n_alpha);
  guint n = (guint) ceil (IOT_PASSWORD_GENERATED_BITS / per_char);
  n = (n + IOT_PASSWORD_GROUP - 1) / IOT_PASSWORD_GROUP * IOT_PASSWORD_GROUP;
  gboolean dashes = rules->chars != IOT_PASSWORD_CHARS_ALPHANUMERIC;
  /* Longer when the device wants more; dashes do not count as strength. */
  while (n + (dashes ? n / IOT_PASSWORD_GROUP - 1 : 0) < rules->min_length)
    n += IOT_PASSWORD_GROUP;
  if (dashes && rules->max_length > 0 && n + n / IOT_PASSWORD_GROUP - 1 > rules->max_length)
    dashes = FALSE;
  if ((rules->max_length > 0 && n > rules->max_length) || n > IOT_SECRET_MAX / 2)
    {
      g_set_error (error, IOT_PASSWORD_ERROR, IOT_PASSWORD_ERROR_RULES,
                   _("This device allows at most %u characters, too few for a strong "
                     "password."),
                   rules->max_length);
      return NULL;
    }

  /* The largest multiple of the alphabet's size below 256: bytes above it
   * are thrown away, so the modulo below has no bias. */
  const guint limit = 256 - 256 % n_alpha;
  g_autoptr (IotSecret) out = iot_secret_new ();
  guint8 pool[64];
  gsize used = sizeof pool;
  guint made = 0;
  while (made < n)
    {
      if (used == sizeof pool)
        {
          if (!fill_random (pool, sizeof pool, error))
            {
              explicit_bzero (pool, sizeof pool);
              return NULL;
            }
          used = 0;
        }
      guint8 b = pool[used++];
      if (b >= limit)
        continue;
      if (dashes && made > 0 && made % IOT_PASSWORD_GROUP == 0)
        iot_secret_append (out, "-", 1);
      iot_secret_append (out, &IOT_PASSWORD_ALPHABET[b % n_alpha], 1);
      made++;
    }
  explicit_bzero (pool, sizeof pool);
  if (bits)
    *bits = n * per_char;
  return g_steal_pointer (&out);
}

/* Lower-case ASCII without separators, so "D4:D4:DA" and "d4d4da" agree. */
static gboolean
is_separator (char c)
{
  return c == ' ' || c == '-' || c == '_' || c == '.' || c == ':' || c == '/';
}

static void
normalize_into (IotSecret *out, const char *text, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!is_separator (text[i]))
      {
        char c = g_ascii_tolower (text[i]);
        iot_secret_append (out, &c, 1);
      }
}

static char *
normalize (const char *text)
{
  GString *s = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    if (!is_separator (*p))
      g_string_append_c (s, g_ascii_tolower (*p));
  return g_string_free (s, FALSE);
}

IotPasswordCheck *
iot_password_check_new (const IotPasswordRules *rules)
{
  IotPasswordCheck *c = g_new0 (IotPasswordCheck, 1);
  c->rules = *rules;
  c->identifiers = g_ptr_array_new_with_free_func (g_free);
  c->defaults = g_ptr_array_new_with_free_func (g_free);
  c->words = g_ptr_array_new_with_free_func (g_free);
  return c;
}

void
iot_password_check_free (IotPasswordCheck *c)
{
  if (c == NULL)
    return;
  g_ptr_array_unref (c->identifiers);
  g_ptr_array_unref (c->defaults);
  g_ptr_array_unref (c->words);
  g_free (c);
}

static void
add_word (IotPasswordCheck *c, const char *word)
{
  if (word[0] != '\0' && strlen (word) <= IOT_PROFILE_MAX_TEXT)
    g_ptr_array_add (c->words, g_strdup (word));
}

/* A name, model, MAC, serial or host name of the device: a password based
 * on it is refused (PSTI), and zxcvbn counts it as a known word. */
void
iot_password_check_add_identifier (IotPasswordCheck *c, const char *word)
{
  g_return_if_fail (word != NULL);
  if (!g_utf8_validate (word, -1, NULL) || strlen (word) > IOT_PROFILE_MAX_TEXT)
    return;
  char *n = normalize (word);
  if (strlen (n) < MIN_IDENTIFIER)
    {
      g_free (n);
      return;
    }
  add_word (c, word);
  add_word (c, n);
  /* A MAC address (12 hex digits): its last 6 are what vendors put in
   * names, hotspot SSIDs and "unique" default passwords. */
  gsize len = strlen (n);
  if (len == 12 && strspn (n, "0123456789abcdef") == 12)
    g_ptr_array_add (c->identifiers, g_strdup (n + 6));
  g_ptr_array_add (c->identifiers, n);
}

void
iot_password_check_add_default (IotPasswordCheck *c, const char *password)
{
  g_return_if_fail (password != NULL);
  if (password[0] == '\0')
    return; /* "no password" is refused as too short anyway */
  add_word (c, password);
  g_ptr_array_add (c->defaults, normalize (password));
}

void
iot_password_check_add_defaults (IotPasswordCheck *c, const GPtrArray *credentials)
{
  for (guint i = 0; credentials && i < credentials->len; i++)
    {
      const IotCredential *cred = credentials->pdata[i];
      iot_password_check_add_default (c, cred->password);
      add_word (c, cred->user);
    }
}

/* The host name or an instance name, whole and in its dash-separated parts
 * ("shellyplusplugs-d4d4da7c1e2f" gives both halves). */
static void
add_name_parts (IotPasswordCheck *c, const char *name)
{
  if (name == NULL)
    return;
  iot_password_check_add_identifier (c, name);
  g_auto (GStrv) parts = g_strsplit_set (name, "-.", 8);
  for (guint i = 0; parts[i]; i++)
    if (strlen (parts[i]) > MIN_IDENTIFIER && g_ascii_strcasecmp (parts[i], "local") != 0)
      iot_password_check_add_identifier (c, parts[i]);
}

/* Everything a neighbour can learn about @device from the network: its host
 * and instance names, and the TXT values that name the model, MAC, serial
 * or id; the profile's vendor and family as zxcvbn words. */
void
iot_password_check_add_device (IotPasswordCheck *c, const IotDevice *device,
                               const IotProfile *profile)
{
  static const char *const keys[] = { "mac", "id", "md", "model", "serial", "sn", "app",
                                      "ty", "fn", "dn", "name", "hw", "board", "usb_mfg", NULL };
  if (profile)
    {
      add_word (c, profile->vendor);
      add_word (c, profile->family);
      iot_password_check_add_defaults (c, profile->default_credentials);
    }
  if (device == NULL)
    return;
  if (!g_str_has_prefix (device->id, "name:"))
    add_name_parts (c, device->id);
  add_name_parts (c, device->host);
  for (guint i = 0; i < device->services->len; i++)
    {
      const IotService *s = device->services->pdata[i];
      add_name_parts (c, s->name);
      for (guint k = 0; keys[k]; k++)
        {
          g_autofree char *v = iot_txt_dup_value (s->txt, keys[k]);
          if (v)
            add_name_parts (c, v);
        }
    }
}

static gboolean
char_allowed (gunichar ch, IotPasswordChars chars)
{
  switch (chars)
    {
    case IOT_PASSWORD_CHARS_ALPHANUMERIC:
      return ch < 128 && g_ascii_isalnum ((char) ch);
    case IOT_PASSWORD_CHARS_PRINTABLE_ASCII:
      return ch >= 0x20 && ch < 0x7f;
    case IOT_PASSWORD_CHARS_ANY:
    default:
      return !g_unichar_iscntrl (ch);
    }
}

static const char *const keyboard_rows[] = {
  "1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop", "yxcvbnm", "azertyuiop",
  "qsdfghjklm", "wxcvbn", "1qaz2wsx3edc", NULL,
};

static gboolean
in_keyboard_row (const char *text, gsize len)
{
  for (guint r = 0; keyboard_rows[r]; r++)
    {
      const char *row = keyboard_rows[r];
      gsize rl = strlen (row);
      for (gsize i = 0; i + len <= rl; i++)
        {
          gboolean fwd = TRUE, back = TRUE;
          for (gsize j = 0; j < len && (fwd || back); j++)
            {
              fwd = fwd && row[i + j] == text[j];
              back = back && row[i + len - 1 - j] == text[j];
            }
          if (fwd || back)
            return TRUE;
        }
    }
  return FALSE;
}

/* The longest stretch of @n that is one character repeated, counting up or
 * down (abcd, 4321), or a piece of a keyboard row (qwerty). */
static gsize
longest_run (const char *n, gsize len)
{
  gsize best = len > 0 ? 1 : 0;
  for (gsize i = 0; i + 1 < len; i++)
    {
      int step = (guchar) n[i + 1] - (guchar) n[i];
      if (step < -1 || step > 1)
        continue;
      gsize j = i + 1;
      while (j + 1 < len && (guchar) n[j + 1] - (guchar) n[j] == step)
        j++;
      best = MAX (best, j - i + 1);
    }
  for (gsize i = 0; i < len; i++)
    for (gsize l = len - i; l > best; l--)
      if (in_keyboard_row (n + i, l))
        {
          best = l;
          break;
        }
  return best;
}

/* "abab", "123123", "aaaa": a shorter unit repeated. */
static gboolean
is_repeated_unit (const char *n, gsize len)
{
  for (gsize unit = 1; unit <= len / 2; unit++)
    {
      if (len % unit != 0)
        continue;
      gsize i = unit;
      while (i < len && n[i] == n[i % unit])
        i++;
      if (i == len)
        return TRUE;
    }
  return FALSE;
}

static double
zxcvbn_bits (const IotPasswordCheck *c, const char *text)
{
  const char **dict = g_new0 (const char *, c->words->len + 1);
  for (guint i = 0; i < c->words->len; i++)
    dict[i] = c->words->pdata[i];
  double bits = ZxcvbnMatch (text, dict, NULL);
  iot_secret_burn_stack ();
  g_free ((gpointer) dict);
  return bits;
}

static gboolean
is_default (const IotPasswordCheck *c, const char *n)
{
  for (guint i = 0; i < c->defaults->len; i++)
    if (strcmp (n, c->defaults->pdata[i]) == 0)
      return TRUE;
  return FALSE;
}

/**
 * iot_password_check_run:
 * @bits: (out) (optional): zxcvbn's estimate, in bits
 *
 * Returns: the problems of @password; IOT_PASSWORD_OK when it may be used.
 */
IotPasswordProblem
iot_password_check_run (const IotPasswordCheck *c, const IotSecret *password, double *bits)
{
  const char *pw = iot_secret_get (password);
  gsize bytes = iot_secret_len (password);
  IotPasswordProblem p = IOT_PASSWORD_OK;
  if (bits)
    *bits = 0;
  if (!g_utf8_validate (pw, (gssize) bytes, NULL))
    return IOT_PASSWORD_BAD_CHARS;

  glong chars = g_utf8_strlen (pw, (gssize) bytes);
  if (chars < (glong) MAX (c->rules.min_length, (guint) IOT_PASSWORD_MIN_LENGTH))
    p |= IOT_PASSWORD_TOO_SHORT;
  if (c->rules.max_length > 0 && chars > (glong) c->rules.max_length)
    p |= IOT_PASSWORD_TOO_LONG;
  for (const char *s = pw; *s; s = g_utf8_next_char (s))
    if (!char_allowed (g_utf8_get_char (s), c->rules.chars))
      {
        p |= IOT_PASSWORD_BAD_CHARS;
        break;
      }
  if (bytes == 0)
    return p;

  double z = zxcvbn_bits (c, pw);
  if (bits)
    *bits = z;
  if (z < IOT_PASSWORD_MIN_BITS)
    p |= IOT_PASSWORD_WEAK;

  g_autoptr (IotSecret) norm = iot_secret_new ();
  normalize_into (norm, pw, bytes);
  const char *n = iot_secret_get (norm);
  gsize len = iot_secret_len (norm);
  /* A counter: the same text with digits added at the end (password1). */
  gsize base = len;
  while (base > 0 && g_ascii_isdigit (n[base - 1]))
    base--;
  g_autoptr (IotSecret) stem = iot_secret_new_from (n, (gssize) base);

  if (is_default (c, n) || (base < len && is_default (c, iot_secret_get (stem))))
    p |= IOT_PASSWORD_DEFAULT;

  for (guint i = 0; i < c->identifiers->len; i++)
    {
      const char *id = c->identifiers->pdata[i];
      if (strstr (n, id) != NULL || (len >= MIN_IDENTIFIER && strstr (id, n) != NULL))
        {
          p |= IOT_PASSWORD_IDENTIFIER;
          break;
        }
    }

  /* Half or more of it a sequence, a repeat or a keyboard row; or a short
   * number after a word that is weak on its own. */
  gsize run = longest_run (n, len);
  gboolean counter = base < len && len - base <= 4 && base >= 3;
  if ((run >= MIN_RUN && run * 2 >= len) || (len >= 2 && is_repeated_unit (n, len))
      || (counter && zxcvbn_bits (c, iot_secret_get (stem)) < IOT_PASSWORD_MIN_BITS))
    p |= IOT_PASSWORD_PATTERN;
  return p;
}

/**
 * iot_password_problem_reasons:
 *
 * Returns: (transfer full) (element-type utf8): one translated sentence per
 * problem, most basic first.
 */
GPtrArray *
iot_password_problem_reasons (IotPasswordProblem p, const IotPasswordRules *rules)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  guint min = MAX (rules->min_length, (guint) IOT_PASSWORD_MIN_LENGTH);
  if (p & IOT_PASSWORD_TOO_SHORT)
    g_ptr_array_add (out, g_strdup_printf (ngettext ("It is too short: use at least %u character.",
                                                     "It is too short: use at least %u characters.",
                                                     min),
                                           min));
  if (p & IOT_PASSWORD_TOO_LONG)
    g_ptr_array_add (out, g_strdup_printf (
                              ngettext ("It is too long: this device takes at most %u character.",
                                        "It is too long: this device takes at most %u characters.",
                                        rules->max_length),
                              rules->max_length));
  if (p & IOT_PASSWORD_BAD_CHARS)
    g_ptr_array_add (out, g_strdup (rules->chars == IOT_PASSWORD_CHARS_ALPHANUMERIC
                                        ? _("This device takes only the letters A to Z and digits.")
                                        : _("This device takes only letters A to Z, digits, spaces "
                                            "and the usual symbols.")));
  if (p & IOT_PASSWORD_DEFAULT)
    g_ptr_array_add (out, g_strdup (_("It is a well-known default password: attackers try "
                                      "these first.")));
  if (p & IOT_PASSWORD_IDENTIFIER)
    g_ptr_array_add (out, g_strdup (_("It is based on the device's name, model, network "
                                      "address or serial number, which anyone nearby can "
                                      "find out.")));
  if (p & IOT_PASSWORD_PATTERN)
    g_ptr_array_add (out, g_strdup (_("It is a sequence or a pattern (like abcd, 1234, qwerty, "
                                      "aaaa or a word with a number counted up).")));
  if (p & IOT_PASSWORD_WEAK)
    g_ptr_array_add (out, g_strdup (_("It is too easy to guess: add more words or random "
                                      "characters.")));
  return out;
}
