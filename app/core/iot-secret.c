/* SPDX-License-Identifier: GPL-3.0-or-later
 * Secrets in locked, wiped memory. Each secret gets its own anonymous
 * mapping (one page): mlock keeps it out of swap, MADV_DONTDUMP out of core
 * files, and a private mapping means no other allocation shares the page, so
 * wiping it wipes everything. The first secret turns core dumps off
 * (PR_SET_DUMPABLE 0 and RLIMIT_CORE 0) for the rest of the process's life,
 * as ssh-agent does from the start: the libraries a password passes through
 * keep copies that outlive it and that we cannot wipe (libqrencode's input
 * list and bit streams, freed unwiped; ncurses' screen buffers), so a core
 * file or a ptrace peer after the secret is gone could still find it.
 */
#include "config.h"

#include "iot-secret.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

struct _IotSecret
{
  char *page; /* the mapping; the text starts at its first byte */
  gsize size; /* of the mapping */
  gsize len;
};

/* Every live secret, for iot_secret_wipe_all(); one thread only. */
static GList *live;

static void
protect_process (void)
{
  static gboolean done;
  if (done)
    return;
  done = TRUE;
  struct rlimit core;
  if (getrlimit (RLIMIT_CORE, &core) == 0)
    {
      struct rlimit none = { 0, core.rlim_max };
      if (setrlimit (RLIMIT_CORE, &none) != 0)
        g_debug ("secret: cannot lower the core size limit");
    }
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    g_debug ("secret: cannot turn core dumps off");
}

IotSecret *
iot_secret_new (void)
{
  long page = sysconf (_SC_PAGESIZE);
  gsize size = page > 0 ? (gsize) page : 4096;
  /* An anonymous mapping takes fd -1 (mmap(2)); cppcheck's posix.cfg wants fd >= 0. */
  // cppcheck-suppress invalidFunctionArg
  void *map = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED)
    g_error ("secret: out of memory");
  /* Not fatal: an unprivileged user over RLIMIT_MEMLOCK still gets a wiped,
   * non-dumped buffer; it may only reach swap. */
  if (mlock (map, size) != 0)
    g_debug ("secret: mlock failed; the secret may be swapped out");
  if (madvise (map, size, MADV_DONTDUMP) != 0)
    g_debug ("secret: MADV_DONTDUMP failed");

  protect_process ();
  IotSecret *secret = g_new0 (IotSecret, 1);
  secret->page = map;
  secret->size = size;
  live = g_list_prepend (live, secret);
  return secret;
}

IotSecret *
iot_secret_new_from (const char *text, gssize len)
{
  g_return_val_if_fail (text != NULL, NULL);
  gsize n = len < 0 ? strlen (text) : (gsize) len;
  if (n > IOT_SECRET_MAX)
    return NULL;
  IotSecret *secret = iot_secret_new ();
  iot_secret_append (secret, text, n);
  return secret;
}

IotSecret *
iot_secret_copy (const IotSecret *secret)
{
  g_return_val_if_fail (secret != NULL, NULL);
  IotSecret *copy = iot_secret_new ();
  iot_secret_append (copy, secret->page, secret->len);
  return copy;
}

void
iot_secret_free (IotSecret *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret->page, secret->size);
  munlock (secret->page, secret->size);
  munmap (secret->page, secret->size);
  live = g_list_remove (live, secret);
  g_free (secret);
}

const char *
iot_secret_get (const IotSecret *secret)
{
  g_return_val_if_fail (secret != NULL, "");
  return secret->page;
}

gsize
iot_secret_len (const IotSecret *secret)
{
  g_return_val_if_fail (secret != NULL, 0);
  return secret->len;
}

gboolean
iot_secret_is_empty (const IotSecret *secret)
{
  return secret == NULL || secret->len == 0;
}

gboolean
iot_secret_append (IotSecret *secret, const char *text, gsize len)
{
  g_return_val_if_fail (secret != NULL, FALSE);
  if (len > IOT_SECRET_MAX - secret->len)
    return FALSE;
  memcpy (secret->page + secret->len, text, len);
  secret->len += len;
  secret->page[secret->len] = '\0';
  return TRUE;
}

gboolean
iot_secret_append_unichar (IotSecret *secret, gunichar c)
{
  char buf[8];
  gint n = g_unichar_to_utf8 (c, buf);
  gboolean ok = iot_secret_append (secret, buf, (gsize) n);
  explicit_bzero (buf, sizeof buf);
  return ok;
}

void
iot_secret_backspace (IotSecret *secret)
{
  g_return_if_fail (secret != NULL);
  if (secret->len == 0)
    return;
  const char *prev = g_utf8_find_prev_char (secret->page, secret->page + secret->len);
  gsize keep = prev != NULL ? (gsize) (prev - secret->page) : 0;
  explicit_bzero (secret->page + keep, secret->len - keep);
  secret->len = keep;
}

void
iot_secret_clear (IotSecret *secret)
{
  g_return_if_fail (secret != NULL);
  explicit_bzero (secret->page, secret->len + 1);
  secret->len = 0;
}

gboolean
iot_secret_equal (const IotSecret *a, const IotSecret *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  if (a->len != b->len)
    return FALSE;
  /* No early exit: the comparison takes the same time wherever they differ. */
  guchar diff = 0;
  for (gsize i = 0; i < a->len; i++)
    diff |= (guchar) (a->page[i] ^ b->page[i]);
  return diff == 0;
}

void
iot_secret_wipe_all (void)
{
  for (GList *l = live; l != NULL; l = l->next)
    iot_secret_clear (l->data);
}

guint
iot_secret_count_live (void)
{
  return g_list_length (live);
}

/**
 * iot_secret_burn_stack:
 *
 * Wipes the stack below the caller, where a library that was given a
 * secret (libzxcvbn keeps lower-cased and un-leeted copies of a password in
 * its stack frames) left copies behind. Call it right after such a call.
 */
G_GNUC_NO_INLINE void
iot_secret_burn_stack (void)
{
  char stack[32 * 1024];
  explicit_bzero (stack, sizeof stack);
}
