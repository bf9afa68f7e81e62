/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: one device in detail: what it is, when it was seen, its addresses
 * and every service with its port and TXT record. The text is rebuilt from
 * the registry on every draw, so it stays live; if the device vanishes, the
 * step says so instead of showing stale data as if it were present.
 */
#include "config.h"

#include "steps.h"

#include "app/core/iot-device-url.h"
#include "app/core/iot-sanitize.h"
#include "app/core/iot-session.h"
#include "app/core/iot-width.h"
#include "app/ui/ui-keys.h"
#include "app/ui/ui.h"

#include <glib/gi18n.h>

typedef struct
{
  int scroll;
  int max_scroll;
  int visible;
} Detail;

static gpointer
detail_enter (IotWizard *w)
{
  return g_new0 (Detail, 1);
}

static void
detail_leave (IotWizard *w, gpointer data)
{
  g_free (data);
}

static char *
local_time (gint64 usec)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  return g_date_time_format (dt, "%x %X");
}

static void
add_line (GPtrArray *lines, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
add_line (GPtrArray *lines, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_ptr_array_add (lines, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

/* Builds the detail text; every network string is sanitized here. */
static GPtrArray *
build_lines (const IotDevice *dev, gboolean can_set_up)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = iot_device_dup_display_name (dev);
  g_autofree char *host = dev->host ? iot_sanitize_text (dev->host, -1, 256) : NULL;
  g_autofree char *first = local_time (dev->first_seen);
  g_autofree char *last = local_time (dev->last_seen);
  const char *kind;
  iot_device_get_kind (dev, &kind);

  add_line (lines, "%s", name);
  add_line (lines, _("Kind: %s"), _(kind));
  add_line (lines, _("Host name: %s"), host ? host : _("(not resolved)"));
  if (!iot_device_is_reachable (dev))
    add_line (lines, "%s", _("It does not answer: it may be switched off or gone."));
  if (dev->is_new)
    add_line (lines, "%s", _("This computer has not seen this device before."));
  add_line (lines, _("First seen: %s   Last seen: %s"), first, last);
  g_autofree char *url = iot_device_dup_admin_url (dev);
  if (url)
    /* Translators: a web address, then the key that shows it as a QR code. */
    add_line (lines, _("Settings page: %s (press %s for a QR code)"), url,
              ui_keys_label (IOT_ACTION_QR_CODE));
  add_line (lines, "%s", "");
  if (can_set_up)
    {
      /* Translators: %s is the key (Enter) */
      add_line (lines, _("Press %s to set up this device: password, updates, personal data."),
                ui_keys_label (IOT_ACTION_OPEN));
      add_line (lines, "%s", "");
    }

  g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (dev);
  add_line (lines, "%s", _("Addresses:"));
  for (guint i = 0; i < addrs->len; i++)
    {
      const IotAddress *a = addrs->pdata[i];
      g_autofree char *s = iot_address_to_string (a);
      /* Translators: an address and the network interface it was seen on. */
      add_line (lines, _("  %s (on %s)"), s, a->ifname);
    }
  add_line (lines, "%s", "");
  add_line (lines, ngettext ("%u service:", "%u services:", dev->services->len),
            dev->services->len);
  for (guint i = 0; i < dev->services->len; i++)
    {
      const IotService *s = dev->services->pdata[i];
      g_autofree char *sname = iot_sanitize_text (s->name, -1, 256);
      g_autofree char *stype = iot_sanitize_text (s->type, -1, 64);
      /* Translators: service type, port number, then the service's name. */
      add_line (lines, _("  %s port %u  “%s”"), stype, s->port, sname);
      for (guint j = 0; j < iot_txt_get_n_entries (s->txt); j++)
        {
          const IotTxtEntry *e = iot_txt_get_entry (s->txt, j);
          g_autofree char *value = iot_txt_dup_value (s->txt, e->key);
          if (e->value == NULL)
            add_line (lines, "      %s", e->key);
          else
            add_line (lines, "      %s=%s", e->key, value);
        }
    }
  return lines;
}

static void
detail_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  Detail *d = data;
  IotSession *session = iot_wizard_get_context (w);
  IotDevice *dev = iot_session_get_selected (session);
  int rows = ui_body_rows (ui), cols = ui_body_cols (ui);

  if (dev == NULL)
    {
      ui_text_wrapped (ui, 1, 2, cols - 4, rows - 1, UI_STYLE_WARN,
                       _("This device has left the network. Press Esc to go back to the "
                         "list."));
      return;
    }
  /* Wrap every logical line to the width, then scroll over the result. */
  g_autoptr (GPtrArray) lines = build_lines (dev, iot_wizard_has_step (w, "update"));
  g_autoptr (GPtrArray) wrapped = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < lines->len; i++)
    {
      g_autoptr (GPtrArray) part = iot_width_wrap (lines->pdata[i], MAX (cols - 2, 1));
      for (guint j = 0; j < part->len; j++)
        g_ptr_array_add (wrapped, g_strdup (part->pdata[j]));
    }
  d->visible = rows;
  d->max_scroll = MAX (0, (int) wrapped->len - rows);
  d->scroll = CLAMP (d->scroll, 0, d->max_scroll);
  for (int r = 0; r < rows && d->scroll + r < (int) wrapped->len; r++)
    ui_text (ui, r, 1, cols - 2, d->scroll + r == 0 ? UI_STYLE_HEADER : UI_STYLE_NORMAL,
             wrapped->pdata[d->scroll + r]);
  if (d->max_scroll > 0)
    ui_set_status (ui, UI_STYLE_DIM, _("Use the arrow keys to scroll."));
}

static IotStepResult
detail_action (IotWizard *w, gpointer data, IotAction action)
{
  Detail *d = data;
  int page = MAX (d->visible - 1, 1);
  switch (action)
    {
    case IOT_ACTION_UP:
      d->scroll--;
      break;
    case IOT_ACTION_DOWN:
      d->scroll++;
      break;
    case IOT_ACTION_PAGE_UP:
      d->scroll -= page;
      break;
    case IOT_ACTION_PAGE_DOWN:
      d->scroll += page;
      break;
    case IOT_ACTION_HOME:
      d->scroll = 0;
      break;
    case IOT_ACTION_END:
      d->scroll = d->max_scroll;
      break;
    case IOT_ACTION_QR_CODE:
      iot_wizard_set_next (w, "show-qr");
      return IOT_STEP_NEXT;
    case IOT_ACTION_PASSWORD:
      iot_wizard_set_next (w, "password-choose");
      return IOT_STEP_NEXT;
    case IOT_ACTION_GUIDELINES:
      iot_wizard_set_next (w, "guideline-card");
      return IOT_STEP_NEXT;
    case IOT_ACTION_OPEN:
      {
        /* Set up this device: password → updates → personal data → summary.
         * Devices without a password of their own start with updates. */
        IotSession *session = iot_wizard_get_context (w);
        IotDevice *dev = iot_session_get_selected (session);
        if (dev == NULL || !iot_wizard_has_step (w, "update"))
          return IOT_STEP_STAY;
        g_autoptr (IotSetupTarget) t = iot_setup_target_new (dev, session->profiles);
        session->full_setup = TRUE;
        iot_wizard_set_next (w, t->profile && !t->profile->has_password ? "update" : "password-choose");
        return IOT_STEP_NEXT;
      }
    case IOT_ACTION_BACK:
      return IOT_STEP_BACK;
    case IOT_ACTION_QUIT:
      return IOT_STEP_QUIT;
    default:
      break;
    }
  d->scroll = CLAMP (d->scroll, 0, d->max_scroll);
  return IOT_STEP_STAY;
}

static const IotAction detail_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_OPEN, IOT_ACTION_QR_CODE, IOT_ACTION_PASSWORD, IOT_ACTION_GUIDELINES,
  IOT_ACTION_BACK, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

const IotStepClass iot_step_device_detail = {
  .id = "device-detail",
  .title = N_ ("Device details"),
  .bar = detail_bar,
  .enter = detail_enter,
  .action = detail_action,
  .draw = detail_draw,
  .leave = detail_leave,
};
