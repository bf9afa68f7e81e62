/* SPDX-License-Identifier: GPL-3.0-or-later
 * Probing checks (see iot-checks-probe.h). MQTT and the port scan are
 * GSocketClient calls on the main loop; SSH uses libssh, which blocks, so
 * it runs in a worker thread and looks at the cancellable between logins.
 * Every attempt has its own timer; the runner's timeout and cancellable end
 * the whole check. Passwords tried are published defaults only, never a
 * secret of the user's, so naming them in the evidence is fine.
 */
#include "config.h"

#include "iot-checks-probe.h"

#include "iot-sanitize.h"

#include <glib/gi18n.h>
#include <libssh/libssh.h>
#include <string.h>

#define ATTEMPT_MS 2000 /* one MQTT login, or one TLS port connect */
#define PORT_MS 1000    /* one port of the port check */
#define SSH_TIMEOUT_S 4 /* libssh's limit per blocking call */
#define MQTT_PORT 1883
#define MQTT_TLS_PORT 8883

/* ---- what to probe ----------------------------------------------------------- */

char *
iot_probe_dup_local_address (const IotDevice *d)
{
  for (guint i = 0; d && i < d->services->len; i++)
    {
      const IotService *s = d->services->pdata[i];
      for (guint j = 0; j < s->records->len; j++)
        {
          const IotRecord *r = s->records->pdata[j];
          if (r->state != IOT_RECORD_RESOLVED || r->address.family != IOT_FAMILY_IPV4)
            continue;
          g_autoptr (GInetAddress) a = g_inet_address_new_from_string (r->address.address);
          if (a == NULL)
            continue;
          const guint8 *b = g_inet_address_to_bytes (a);
          /* RFC 1918 and 169.254/16; 198.18/15 (RFC 2544) is never routed
           * on the internet, and is what test labs use. */
          if (g_inet_address_get_is_site_local (a) || g_inet_address_get_is_link_local (a) ||
              (b[0] == 198 && (b[1] & 0xfe) == 18))
            return g_strdup (r->address.address);
        }
    }
  return NULL;
}

/* The port of the device's first service of @type, or 0. */
static guint16
service_port (const IotDevice *d, const char *type)
{
  for (guint i = 0; d && i < d->services->len; i++)
    {
      const IotService *s = d->services->pdata[i];
      if (g_ascii_strcasecmp (s->type, type) == 0 && s->port)
        return s->port;
    }
  return 0;
}

static void
add_login (GPtrArray *logins, const char *user, const char *password)
{
  if (logins->len >= IOT_PROBE_MAX_LOGINS || user == NULL || *user == '\0')
    return;
  for (guint i = 0; i < logins->len; i++)
    {
      const IotCredential *c = logins->pdata[i];
      if (c->user && strcmp (c->user, user) == 0 && strcmp (c->password, password) == 0)
        return;
    }
  IotCredential *c = g_new0 (IotCredential, 1);
  c->user = g_strdup (user);
  c->password = g_strdup (password);
  g_ptr_array_add (logins, c);
}

/* The logins to try: @first_anonymous (an IotCredential with user NULL),
 * the profile's published defaults, then the generic list's first ones,
 * IOT_PROBE_MAX_LOGINS in all. */
static GPtrArray *
logins_for (const IotProfile *profile, gboolean first_anonymous)
{
  GPtrArray *logins = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_credential_free);
  if (first_anonymous)
    g_ptr_array_add (logins, g_new0 (IotCredential, 1));
  for (guint i = 0; profile && profile->default_credentials &&
                    i < profile->default_credentials->len; i++)
    {
      const IotCredential *c = profile->default_credentials->pdata[i];
      add_login (logins, c->user, c->password);
    }
  g_autofree char *path = iot_credentials_default_path ();
  g_autoptr (GPtrArray) generic = iot_credentials_load (path, NULL);
  for (guint i = 0; generic && i < generic->len; i++)
    {
      const IotCredential *c = generic->pdata[i];
      add_login (logins, c->user, c->password);
    }
  return logins;
}

/* ---- decisions ----------------------------------------------------------------- */

IotCheckResult *
iot_check_decide_mqtt_login (const IotCheck *check, const IotLoginProbe *p)
{
  if (!p->reached)
    return iot_check_result_newf (check, IOT_CHECK_WARN, _("No answer from %s."), p->url);
  if (p->anonymous_accepted)
    return iot_check_result_newf (
      check, IOT_CHECK_FAIL,
      _("Anonymous MQTT login accepted at %s: anyone on the network can read and send its "
        "messages."),
      p->url);
  if (p->accepted_user)
    return iot_check_result_newf (
      check, IOT_CHECK_FAIL,
      /* Translators: %s are a URL, a user name and a published default password */
      _("Default login accepted at %s: user name “%s”, password “%s” (a published default)."),
      p->url, p->accepted_user, p->accepted_password);
  return iot_check_result_newf (check, IOT_CHECK_PASS,
                                ngettext ("Anonymous and %u default login refused at %s.",
                                          "Anonymous and %u default logins refused at %s.",
                                          p->n_refused),
                                p->n_refused, p->url);
}

IotCheckResult *
iot_check_decide_ssh_login (const IotCheck *check, const IotLoginProbe *p)
{
  if (!p->reached)
    return iot_check_result_newf (check, IOT_CHECK_WARN, _("No answer from %s."), p->url);
  if (p->accepted_user)
    return iot_check_result_newf (
      check, IOT_CHECK_FAIL,
      _("Default login accepted at %s: user name “%s”, password “%s” (a published default)."),
      p->url, p->accepted_user, p->accepted_password);
  return iot_check_result_newf (check, IOT_CHECK_PASS,
                                ngettext ("%u default login refused at %s.",
                                          "%u default logins refused at %s.", p->n_refused),
                                p->n_refused, p->url);
}

IotCheckResult *
iot_check_decide_mqtt_transport (const IotCheck *check, const IotLoginProbe *plain,
                                 const char *tls_url)
{
  if (plain->reached && plain->anonymous_accepted)
    return iot_check_result_newf (
      check, IOT_CHECK_FAIL,
      _("Messages travel unencrypted and anyone may connect: %s accepts anonymous clients."),
      plain->url);
  if (plain->reached)
    return iot_check_result_newf (
      check, IOT_CHECK_WARN,
      _("%s asks for a login but has no encryption: user names, passwords and messages "
        "travel in clear."),
      plain->url);
  if (tls_url)
    return iot_check_result_newf (check, IOT_CHECK_PASS,
                                  _("Only the encrypted port is open: %s."), tls_url);
  return NULL;
}

static const IotRiskyPort risky_ports[] = {
  { .port = 23, .what = "telnet", .fail = TRUE },
  { .port = 2323, .what = "telnet", .fail = TRUE },
  { .port = 5555, .what = "Android Debug Bridge", .fail = TRUE },
  { .port = 21, .what = "FTP", .fail = FALSE },
  { .port = 7547, .what = "TR-069", .fail = FALSE },
};

const IotRiskyPort *
iot_risky_ports (guint *n)
{
  *n = G_N_ELEMENTS (risky_ports);
  return risky_ports;
}

IotCheckResult *
iot_check_decide_ports (const IotCheck *check, const char *address, const gboolean *open)
{
  g_autoptr (GString) bad = g_string_new (NULL), doubtful = g_string_new (NULL);
  g_autoptr (GString) all = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (risky_ports); i++)
    {
      const IotRiskyPort *rp = &risky_ports[i];
      g_string_append_printf (all, "%s%u", all->len ? ", " : "", rp->port);
      if (!open[i])
        continue;
      GString *to = rp->fail ? bad : doubtful;
      g_string_append_printf (to, "%s%u (%s)", to->len ? ", " : "", rp->port, rp->what);
    }
  if (bad->len)
    return iot_check_result_newf (
      check, IOT_CHECK_FAIL,
      /* Translators: %s are an address and a list of ports, "23 (telnet), …" */
      _("Open on %s: %s. These give a login or a shell over the network without encryption, "
        "and are what botnets try first; turn them off."),
      address, bad->str);
  if (doubtful->len)
    return iot_check_result_newf (
      check, IOT_CHECK_WARN,
      _("Open on %s: %s. These are often left on by mistake; turn them off if you do not use "
        "them."),
      address, doubtful->str);
  return iot_check_result_newf (check, IOT_CHECK_PASS,
                                /* Translators: %u ports (listed in the first %s) on an address */
                                ngettext ("%u port checked (%s) on %s: closed.",
                                          "%u ports checked (%s) on %s: closed.",
                                          G_N_ELEMENTS (risky_ports)),
                                (guint) G_N_ELEMENTS (risky_ports), all->str, address);
}

/* ---- MQTT ------------------------------------------------------------------------ */

static void
put_string (GByteArray *out, const char *s)
{
  gsize len = MIN (strlen (s), 0xffff);
  guint8 be[2] = { (guint8) (len >> 8), (guint8) (len & 0xff) };
  g_byte_array_append (out, be, 2);
  g_byte_array_append (out, (const guint8 *) s, (guint) len);
}

GByteArray *
iot_mqtt_connect_packet (const char *client_id, const char *user, const char *password)
{
  g_autoptr (GByteArray) body = g_byte_array_new ();
  static const guint8 header[] = { 0, 4, 'M', 'Q', 'T', 'T', 4 /* 3.1.1 */ };
  g_byte_array_append (body, header, sizeof header);
  gboolean login = user && *user;
  guint8 flags = 0x02 /* clean session */ | (login ? 0xc0 : 0);
  guint8 keepalive[2] = { 0, 30 };
  g_byte_array_append (body, &flags, 1);
  g_byte_array_append (body, keepalive, 2);
  put_string (body, client_id);
  if (login)
    {
      put_string (body, user);
      put_string (body, password ? password : "");
    }
  GByteArray *out = g_byte_array_new ();
  guint8 type = 0x10;
  g_byte_array_append (out, &type, 1);
  /* The remaining length, 7 bits per byte. */
  for (gsize left = body->len;;)
    {
      guint8 b = left & 0x7f;
      left >>= 7;
      if (left)
        b |= 0x80;
      g_byte_array_append (out, &b, 1);
      if (!left)
        break;
    }
  g_byte_array_append (out, body->data, body->len);
  return out;
}

int
iot_mqtt_parse_connack (const guint8 *buf, gsize len)
{
  /* 0x20, remaining length 2, session-present flags (bit 0 only), code. */
  if (buf == NULL || len < 4 || buf[0] != 0x20 || buf[1] != 2 || (buf[2] & 0xfe) != 0)
    return -1;
  return buf[3] <= 5 ? buf[3] : -1;
}

/* One login after the other on one MQTT port (or, with @tcp_only, just a
 * TCP connect), each in its own connection with its own timer. */
typedef struct
{
  GTask *task;
  const IotCheck *check;
  gboolean transport; /* G5: anonymous on the plaintext port, then the TLS port */
  char *address;
  guint16 port, tls_port;
  char *url, *tls_url;
  GPtrArray *logins; /* IotCredential*; [0] is anonymous */
  guint next;
  IotLoginProbe found;
  gboolean tls_phase, tls_open;
  GSocketClient *client;
  GSocketConnection *conn;
  GCancellable *attempt;
  gulong cancel_id;
  guint timer;
  GByteArray *packet;
  guint8 reply[4];
} MqttProbe;

static void mqtt_next (MqttProbe *p);

static void
mqtt_probe_free (MqttProbe *p)
{
  g_free (p->address);
  g_free (p->url);
  g_free (p->tls_url);
  g_ptr_array_unref (p->logins);
  g_clear_object (&p->client);
  g_clear_object (&p->task);
  g_free (p);
}

static void
attempt_cancel_cb (GCancellable *c, gpointer data)
{
  g_cancellable_cancel (data);
}

static gboolean
attempt_timeout_cb (gpointer data)
{
  MqttProbe *p = data;
  p->timer = 0;
  g_cancellable_cancel (p->attempt);
  return G_SOURCE_REMOVE;
}

/* @code: a CONNACK code, -1 not MQTT, -2 no connection, -3 connected
 * (TCP only). */
static void
mqtt_attempt_end (MqttProbe *p, int code)
{
  g_clear_handle_id (&p->timer, g_source_remove);
  g_cancellable_disconnect (g_task_get_cancellable (p->task), p->cancel_id);
  p->cancel_id = 0;
  g_clear_object (&p->attempt);
  g_clear_pointer (&p->packet, g_byte_array_unref);
  if (p->conn)
    g_io_stream_close (G_IO_STREAM (p->conn), NULL, NULL);
  g_clear_object (&p->conn);
  if (p->tls_phase)
    {
      p->tls_open = code == -3;
      p->next = G_MAXUINT;
    }
  else if (code < 0)
    p->next = p->logins->len; /* nothing more to learn here */
  else
    {
      const IotCredential *c = p->logins->pdata[p->next];
      p->found.reached = TRUE;
      if (code == 0 && c->user == NULL)
        p->found.anonymous_accepted = TRUE;
      else if (code == 0)
        {
          p->found.accepted_user = c->user;
          p->found.accepted_password = c->password;
        }
      else if (c->user)
        p->found.n_refused++;
      p->next = code == 0 ? p->logins->len : p->next + 1;
    }
  mqtt_next (p);
}

static void
mqtt_read_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  MqttProbe *p = data;
  gsize n = 0;
  g_input_stream_read_all_finish (G_INPUT_STREAM (source), res, &n, NULL);
  mqtt_attempt_end (p, iot_mqtt_parse_connack (p->reply, n));
}

static void
mqtt_written_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  MqttProbe *p = data;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, NULL))
    {
      mqtt_attempt_end (p, -1);
      return;
    }
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (p->conn));
  g_input_stream_read_all_async (in, p->reply, sizeof p->reply, G_PRIORITY_DEFAULT, p->attempt,
                                 mqtt_read_cb, p);
}

static void
mqtt_connected_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  MqttProbe *p = data;
  p->conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), res, NULL);
  if (p->conn == NULL)
    {
      mqtt_attempt_end (p, -2);
      return;
    }
  if (p->tls_phase)
    {
      mqtt_attempt_end (p, -3);
      return;
    }
  const IotCredential *c = p->logins->pdata[p->next];
  p->packet = iot_mqtt_connect_packet ("iotsetup-check", c->user, c->password);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (p->conn));
  g_output_stream_write_all_async (out, p->packet->data, p->packet->len, G_PRIORITY_DEFAULT,
                                   p->attempt, mqtt_written_cb, p);
}

static void
mqtt_next (MqttProbe *p)
{
  GCancellable *cancellable = g_task_get_cancellable (p->task);
  if (!p->tls_phase && p->next >= p->logins->len && p->transport && p->tls_port &&
      !g_cancellable_is_cancelled (cancellable))
    p->tls_phase = TRUE;
  else if (p->next >= p->logins->len || g_cancellable_is_cancelled (cancellable))
    {
      IotCheckResult *r = NULL;
      if (!g_cancellable_is_cancelled (cancellable))
        r = p->transport ? iot_check_decide_mqtt_transport (p->check, &p->found,
                                                            p->tls_open ? p->tls_url : NULL)
                         : iot_check_decide_mqtt_login (p->check, &p->found);
      g_task_return_pointer (p->task, r, (GDestroyNotify) iot_check_result_free);
      mqtt_probe_free (p);
      return;
    }
  p->attempt = g_cancellable_new ();
  p->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (attempt_cancel_cb),
                                        g_object_ref (p->attempt), g_object_unref);
  p->timer = g_timeout_add (ATTEMPT_MS, attempt_timeout_cb, p);
  g_autoptr (GSocketConnectable) addr = g_network_address_new (
    p->address, p->tls_phase ? p->tls_port : p->port);
  g_socket_client_connect_async (p->client, addr, p->attempt, mqtt_connected_cb, p);
}

static void
mqtt_start (const IotCheck *check, const IotCheckContext *ctx, gboolean transport, GTask *task)
{
  guint16 port = service_port (ctx->device, "_mqtt._tcp");
  guint16 tls_port = service_port (ctx->device, "_secure-mqtt._tcp");
  g_autofree char *address = iot_probe_dup_local_address (ctx->device);
  if ((port == 0 && tls_port == 0) || address == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  MqttProbe *p = g_new0 (MqttProbe, 1);
  p->task = g_object_ref (task);
  p->check = check;
  p->transport = transport;
  p->address = g_steal_pointer (&address);
  /* Announced only with TLS: still look at the usual plaintext port. */
  p->port = port ? port : MQTT_PORT;
  p->tls_port = tls_port ? tls_port : MQTT_TLS_PORT;
  p->url = g_strdup_printf ("mqtt://%s:%u", p->address, p->port);
  p->tls_url = g_strdup_printf ("mqtts://%s:%u", p->address, p->tls_port);
  p->found.url = p->url;
  p->logins = transport ? g_ptr_array_new_with_free_func ((GDestroyNotify) iot_credential_free)
                        : logins_for (ctx->profile, TRUE);
  if (transport)
    g_ptr_array_add (p->logins, g_new0 (IotCredential, 1));
  p->client = g_socket_client_new ();
  mqtt_next (p);
}

static void
start_mqtt_login (const IotCheck *check, const IotCheckContext *ctx, GTask *task)
{
  mqtt_start (check, ctx, FALSE, task);
}

static void
start_mqtt_transport (const IotCheck *check, const IotCheckContext *ctx, GTask *task)
{
  mqtt_start (check, ctx, TRUE, task);
}

/* ---- SSH ------------------------------------------------------------------------- */

typedef struct
{
  const IotCheck *check;
  char *address, *url;
  guint16 port;
  GPtrArray *logins;
  IotLoginProbe found;
} SshProbe;

static void
ssh_probe_free (SshProbe *p)
{
  g_free (p->address);
  g_free (p->url);
  g_ptr_array_unref (p->logins);
  g_free (p);
}

/* In a worker thread: one connection per login (OpenSSH refuses a change
 * of user name within one). The server's host key is not verified: we
 * only learn whether a published default logs in, and send nothing else,
 * so a man in the middle would learn nothing secret. */
static void
ssh_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  SshProbe *p = data;
  for (guint i = 0; i < p->logins->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      const IotCredential *c = p->logins->pdata[i];
      ssh_session s = ssh_new ();
      if (s == NULL)
        break;
      long timeout = SSH_TIMEOUT_S;
      unsigned int port = p->port;
      int no = 0;
      ssh_options_set (s, SSH_OPTIONS_HOST, p->address);
      ssh_options_set (s, SSH_OPTIONS_PORT, &port);
      ssh_options_set (s, SSH_OPTIONS_USER, c->user);
      ssh_options_set (s, SSH_OPTIONS_TIMEOUT, &timeout);
      /* Neither ~/.ssh/config nor a proxy command of the user's applies. */
      ssh_options_set (s, SSH_OPTIONS_PROCESS_CONFIG, &no);
      int rc = ssh_connect (s);
      if (rc == SSH_OK)
        {
          p->found.reached = TRUE;
          rc = ssh_userauth_password (s, NULL, c->password);
          if (rc == SSH_AUTH_SUCCESS)
            {
              p->found.accepted_user = c->user;
              p->found.accepted_password = c->password;
            }
          else
            p->found.n_refused++;
          ssh_disconnect (s);
        }
      ssh_free (s);
      if (p->found.accepted_user || !p->found.reached)
        break;
    }
  g_task_return_boolean (task, TRUE);
}

static void
ssh_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  GTask *outer = data;
  SshProbe *p = g_task_get_task_data (G_TASK (res));
  IotCheckResult *r = NULL;
  if (!g_cancellable_is_cancelled (g_task_get_cancellable (outer)))
    r = iot_check_decide_ssh_login (p->check, &p->found);
  g_task_return_pointer (outer, r, (GDestroyNotify) iot_check_result_free);
  g_object_unref (outer);
}

static void
start_ssh_login (const IotCheck *check, const IotCheckContext *ctx, GTask *task)
{
  guint16 port = service_port (ctx->device, "_ssh._tcp");
  if (port == 0)
    port = service_port (ctx->device, "_sftp-ssh._tcp");
  g_autofree char *address = iot_probe_dup_local_address (ctx->device);
  if (port == 0 || address == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  SshProbe *p = g_new0 (SshProbe, 1);
  p->check = check;
  p->port = port;
  p->address = g_steal_pointer (&address);
  p->url = g_strdup_printf ("ssh://%s:%u", p->address, port);
  p->found.url = p->url;
  p->logins = logins_for (ctx->profile, FALSE);
  g_autoptr (GTask) inner =
    g_task_new (NULL, g_task_get_cancellable (task), ssh_done_cb, g_object_ref (task));
  /* Return even when cancelled: the thread always ends, and frees p. */
  g_task_set_return_on_cancel (inner, FALSE);
  g_task_set_task_data (inner, p, (GDestroyNotify) ssh_probe_free);
  g_task_run_in_thread (inner, ssh_thread);
}

/* ---- risky ports ------------------------------------------------------------------ */

typedef struct
{
  GTask *task;
  const IotCheck *check;
  char *address;
  GSocketClient *client;
  GCancellable *cancellable; /* all ports; cancelled by the timer or the task */
  gulong cancel_id;
  guint timer;
  guint n_open_calls;
  gboolean open[G_N_ELEMENTS (risky_ports)];
} PortProbe;

typedef struct
{
  PortProbe *probe;
  guint index;
} PortCall;

static gboolean
ports_timeout_cb (gpointer data)
{
  PortProbe *p = data;
  p->timer = 0;
  g_cancellable_cancel (p->cancellable);
  return G_SOURCE_REMOVE;
}

static void
port_connected_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  PortCall *call = data;
  PortProbe *p = call->probe;
  g_autoptr (GSocketConnection) conn =
    g_socket_client_connect_finish (G_SOCKET_CLIENT (source), res, NULL);
  if (conn)
    {
      p->open[call->index] = TRUE;
      g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    }
  g_free (call);
  if (--p->n_open_calls > 0)
    return;
  g_clear_handle_id (&p->timer, g_source_remove);
  GCancellable *tc = g_task_get_cancellable (p->task);
  g_cancellable_disconnect (tc, p->cancel_id);
  IotCheckResult *r = NULL;
  if (!g_cancellable_is_cancelled (tc))
    r = iot_check_decide_ports (p->check, p->address, p->open);
  g_task_return_pointer (p->task, r, (GDestroyNotify) iot_check_result_free);
  g_object_unref (p->task);
  g_object_unref (p->client);
  g_object_unref (p->cancellable);
  g_free (p->address);
  g_free (p);
}

static void
start_ports (const IotCheck *check, const IotCheckContext *ctx, GTask *task)
{
  g_autofree char *address = iot_probe_dup_local_address (ctx->device);
  if (address == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  PortProbe *p = g_new0 (PortProbe, 1);
  p->task = g_object_ref (task);
  p->check = check;
  p->address = g_steal_pointer (&address);
  p->client = g_socket_client_new ();
  p->cancellable = g_cancellable_new ();
  p->cancel_id = g_cancellable_connect (g_task_get_cancellable (task),
                                        G_CALLBACK (attempt_cancel_cb),
                                        g_object_ref (p->cancellable), g_object_unref);
  p->timer = g_timeout_add (PORT_MS, ports_timeout_cb, p);
  p->n_open_calls = G_N_ELEMENTS (risky_ports);
  /* All at once: a closed port answers at once, a filtered one takes the
   * full second, and these are only a handful. */
  for (guint i = 0; i < G_N_ELEMENTS (risky_ports); i++)
    {
      PortCall *call = g_new0 (PortCall, 1);
      call->probe = p;
      call->index = i;
      g_autoptr (GSocketConnectable) addr = g_network_address_new (p->address, risky_ports[i].port);
      g_socket_client_connect_async (p->client, addr, p->cancellable, port_connected_cb, call);
    }
}

static const IotCheck checks[] = {
  { .id = "mqtt-default-login", .guidelines = { 1 }, .etsi = { "5.1-1" },
    .timeout_ms = IOT_PROBE_MAX_LOGINS * ATTEMPT_MS + 2000, .start = start_mqtt_login },
  { .id = "ssh-default-login", .guidelines = { 1 }, .etsi = { "5.1-1" },
    .timeout_ms = IOT_PROBE_MAX_LOGINS * SSH_TIMEOUT_S * 1000 + 2000, .start = start_ssh_login },
  { .id = "mqtt-transport", .guidelines = { 5 }, .etsi = { "5.5-1" },
    .timeout_ms = 2 * ATTEMPT_MS + 2000, .start = start_mqtt_transport },
  { .id = "risky-ports", .guidelines = { 6 }, .etsi = { "5.6-1" },
    .timeout_ms = PORT_MS + 2000, .start = start_ports },
};

const IotCheck *const *
iot_checks_probe (guint *n)
{
  static const IotCheck *list[G_N_ELEMENTS (checks)];
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    list[i] = &checks[i];
  *n = G_N_ELEMENTS (checks);
  return list;
}
