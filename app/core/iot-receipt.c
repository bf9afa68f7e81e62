/* SPDX-License-Identifier: GPL-3.0-or-later
 * Receipts (see iot-receipt.h). The text is built from what the report and
 * the profile say, never from anything the customer typed. Files are
 * written to a hidden temporary name, synced, then renamed, so a spooler
 * watching the directory never picks up half a receipt.
 */
#include "config.h"

#include "iot-receipt.h"

#include "iot-qr.h"
#include "iot-sanitize.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

typedef struct
{
  char *name;
  IotCheckStatus status[IOT_N_GUIDELINES];
  char *titles[IOT_N_GUIDELINES]; /* untranslated */
  char *vdp, *support_until;      /* "" when not published */
} Entry;

struct _IotReceipt
{
  char *shop_name;
  GDateTime *date;
  GPtrArray *entries; /* Entry* */
};

static void
entry_free (Entry *e)
{
  g_free (e->name);
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    g_free (e->titles[i]);
  g_free (e->vdp);
  g_free (e->support_until);
  g_free (e);
}

/**
 * iot_receipt_new:
 * @shop_name: (nullable): printed at the top
 * @date: (nullable): the session's end; now when NULL
 */
IotReceipt *
iot_receipt_new (const char *shop_name, GDateTime *date)
{
  IotReceipt *r = g_new0 (IotReceipt, 1);
  r->shop_name = iot_sanitize_text (shop_name ? shop_name : "", -1, 200);
  r->date = date ? g_date_time_ref (date) : g_date_time_new_now_local ();
  r->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  return r;
}

void
iot_receipt_free (IotReceipt *r)
{
  if (r == NULL)
    return;
  g_free (r->shop_name);
  g_date_time_unref (r->date);
  g_ptr_array_unref (r->entries);
  g_free (r);
}

/* @profile: (nullable) */
void
iot_receipt_add_device (IotReceipt *r, const IotDevice *device, const IotProfile *profile,
                        const IotGuidelines *gl, const IotReport *report)
{
  Entry *e = g_new0 (Entry, 1);
  e->name = iot_device_dup_display_name (device);
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    {
      e->status[i] = iot_report_get_status (report, i + 1);
      e->titles[i] = g_strdup (iot_guidelines_get (gl, i + 1)->title);
    }
  e->vdp = iot_sanitize_text (profile && profile->vdp ? profile->vdp : "", -1, 300);
  e->support_until =
    iot_sanitize_text (profile && profile->support_until ? profile->support_until : "", -1, 40);
  g_ptr_array_add (r->entries, e);
}

guint
iot_receipt_get_n_devices (const IotReceipt *r)
{
  return r->entries->len;
}

static void
append_entry (GString *s, const Entry *e)
{
  g_string_append_printf (s, "\n== %s ==\n%s\n", e->name, _("Guideline results:"));
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    g_string_append_printf (s, "  %2u. %s: %s\n", i + 1, _(e->titles[i]),
                            iot_check_status_to_label (e->status[i]));
  g_string_append_printf (s, "%s\n", _("Still to do at home:"));
  guint todo = 0;
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    if (e->status[i] == IOT_CHECK_FAIL || e->status[i] == IOT_CHECK_WARN ||
        e->status[i] == IOT_CHECK_MANUAL)
      {
        g_string_append_printf (s, "  - %u. %s\n", i + 1, _(e->titles[i]));
        todo++;
      }
  if (todo == 0)
    g_string_append_printf (s, "  %s\n", _("Nothing left to do."));
  const char *none = _("not published");
  g_string_append_printf (s, _("Report security problems to: %s"), *e->vdp ? e->vdp : none);
  g_string_append_c (s, '\n');
  g_string_append_printf (s, _("Security updates until: %s"),
                          *e->support_until ? e->support_until : none);
  g_string_append_c (s, '\n');
}

/**
 * iot_receipt_to_text:
 * @guidance_url: (nullable): shown, and as a QR code in ASCII that any
 *   printer reproduces
 *
 * Returns: (transfer full): the receipt.
 */
char *
iot_receipt_to_text (const IotReceipt *r, const char *guidance_url)
{
  GString *s = g_string_new (NULL);
  g_autofree char *date = g_date_time_format (r->date, "%Y-%m-%d %H:%M");
  if (*r->shop_name)
    g_string_append_printf (s, "%s\n", r->shop_name);
  g_string_append_printf (s, "%s\n%s: %s\n", _("Device setup receipt"), _("Date"), date);
  for (guint i = 0; i < r->entries->len; i++)
    append_entry (s, r->entries->pdata[i]);
  if (r->entries->len == 0)
    g_string_append_printf (s, "\n%s\n", _("No devices were set up in this session."));
  if (guidance_url && *guidance_url)
    {
      g_autofree char *url = iot_sanitize_text (guidance_url, -1, 500);
      g_string_append_printf (s, "\n%s\n%s\n", _("Guidance in your language:"), url);
      g_autoptr (IotQr) qr = iot_qr_new (url, 0, NULL);
      if (qr)
        {
          g_autoptr (GPtrArray) lines = iot_qr_render_ascii (qr, 2);
          for (guint i = 0; i < lines->len; i++)
            g_string_append_printf (s, "%s\n", (char *) lines->pdata[i]);
        }
    }
  g_string_append_printf (s, "\n%s\n", _("This receipt holds no password or other secret."));
  return g_string_free (s, FALSE);
}

static gboolean
set_errno_error (GError **error, const char *what, int err)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "%s: %s", what,
               g_strerror (err));
  return FALSE;
}

/**
 * iot_spool_write:
 * @kind: the file name's start: "receipt", "assessment"
 * @path: (out) (optional): the file written
 *
 * Writes @text as a new file KIND-YYYYMMDD-HHMMSS-RANDOM.txt in @dir (made
 * if missing, owner-only): a hidden temporary file, fsync, rename, then
 * fsync of the directory. Never overwrites anything.
 */
gboolean
iot_spool_write (const char *dir, const char *kind, const char *text, char **path,
                 GError **error)
{
  g_return_val_if_fail (dir != NULL && kind != NULL && text != NULL, FALSE);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return set_errno_error (error, dir, errno);
  g_autofree char *tmp = g_build_filename (dir, ".spool-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0640);
  if (fd < 0)
    return set_errno_error (error, dir, errno);
  gsize len = strlen (text), done = 0;
  int err = 0;
  while (done < len && err == 0)
    {
      ssize_t n = write (fd, text + done, len - done);
      if (n < 0 && errno != EINTR)
        err = errno;
      else if (n > 0)
        done += (gsize) n;
    }
  if (err == 0 && fsync (fd) != 0)
    err = errno;
  if (close (fd) != 0 && err == 0)
    err = errno;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  /* The random part of the temporary name keeps two files of one second apart. */
  g_autofree char *name =
    g_strdup_printf ("%s-%s-%s.txt", kind, stamp, tmp + strlen (tmp) - 6);
  g_autofree char *final = g_build_filename (dir, name, NULL);
  if (err == 0 && g_file_test (final, G_FILE_TEST_EXISTS))
    err = EEXIST;
  if (err == 0 && g_rename (tmp, final) != 0)
    err = errno;
  if (err != 0)
    {
      g_unlink (tmp);
      return set_errno_error (error, dir, err);
    }
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      (void) fsync (dfd); /* the rename is durable; a failure here loses nothing now */
      close (dfd);
    }
  if (path)
    *path = g_steal_pointer (&final);
  return TRUE;
}

typedef struct
{
  GSubprocess *proc;
  guint timer;
  gboolean timed_out;
} Send;

static void
send_free (Send *s)
{
  g_clear_handle_id (&s->timer, g_source_remove);
  g_clear_object (&s->proc);
  g_free (s);
}

static gboolean
send_timeout_cb (gpointer data)
{
  GTask *task = data;
  Send *s = g_task_get_task_data (task);
  s->timer = 0;
  s->timed_out = TRUE;
  g_subprocess_force_exit (s->proc);
  return G_SOURCE_REMOVE;
}

static void
communicated_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GTask) task = data;
  Send *s = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  if (!g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), res, NULL, NULL, &error))
    {
      if (!g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        g_subprocess_force_exit (s->proc);
      /* It exited before it had read the receipt (a race with its exit
       * status): for the person at the kiosk that is the same failure. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
        {
          g_clear_error (&error);
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The receipt command failed."));
        }
    }
  else if (s->timed_out)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _("The receipt command took too long."));
  else if (!g_subprocess_get_successful (s->proc))
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The receipt command failed."));
  g_clear_handle_id (&s->timer, g_source_remove);
  if (error && s->timed_out && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_clear_error (&error);
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _("The receipt command took too long."));
    }
  if (error)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * iot_receipt_send_async:
 * @argv: the command (an absolute path, then arguments): run directly, no
 *   shell, with @text on its standard input and its output discarded
 * @timeout_ms: the command is killed after this
 */
void
iot_receipt_send_async (const char *text, const char *const *argv, guint timeout_ms,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  /* A command that exits without reading all of the receipt closes the
   * pipe: that must be an EPIPE error here, not SIGPIPE killing the kiosk. */
  struct sigaction old;
  if (sigaction (SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
    (void) signal (SIGPIPE, SIG_IGN);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, iot_receipt_send_async);
  GError *error = NULL;
  GSubprocess *proc = g_subprocess_newv (argv,
                                         G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                           G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                           G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                         &error);
  if (proc == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  Send *s = g_new0 (Send, 1);
  s->proc = proc;
  g_task_set_task_data (task, s, (GDestroyNotify) send_free);
  s->timer = g_timeout_add (timeout_ms, send_timeout_cb, task);
  g_subprocess_communicate_utf8_async (proc, text, cancellable, communicated_cb, task);
}

gboolean
iot_receipt_send_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
