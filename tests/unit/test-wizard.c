/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for wizards/wizard.[ch]: the UI-free step state machine, driven
 * with synthetic actions through three fake steps.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "wizards/wizard.h"

#include <string.h>

/* What the fake steps do and what happened to them. */
typedef struct
{
  guint enters[3], leaves[3];
  guint live;          /* step data allocated and not yet freed */
  guint changed;       /* changed callback calls */
  GString *trace;      /* "enter:a leave:a ..." */
  IotStepResult reply; /* what the next action returns */
  const char *jump_to; /* set by the step before answering */
} Ctx;

typedef struct
{
  guint index;
  guint magic;
} StepData;

#define MAGIC 0x5eb5eb

static guint
step_no (const char *id)
{
  return (guint) (id[0] - 'a');
}

static gpointer
fake_enter (IotWizard *w)
{
  Ctx *ctx = iot_wizard_get_context (w);
  const IotStepClass *s = iot_wizard_get_step (w);
  g_assert_nonnull (s);
  guint n = step_no (s->id);
  ctx->enters[n]++;
  ctx->live++;
  g_string_append_printf (ctx->trace, "enter:%s ", s->id);
  StepData *d = g_new0 (StepData, 1);
  d->index = n;
  d->magic = MAGIC;
  return d;
}

static IotStepResult
fake_action (IotWizard *w, gpointer data, IotAction action)
{
  Ctx *ctx = iot_wizard_get_context (w);
  StepData *d = data;
  g_assert_nonnull (d);
  g_assert_cmpuint (d->magic, ==, MAGIC);
  /* The data handed to the action is the current step's. */
  g_assert_true (iot_wizard_get_step_data (w) == data);
  g_assert_cmpuint (d->index, ==, step_no (iot_wizard_get_step (w)->id));
  g_string_append_printf (ctx->trace, "action:%s:%s ", iot_wizard_get_step (w)->id,
                          iot_action_get_name (action));
  if (action == IOT_ACTION_BACK)
    return IOT_STEP_BACK;
  if (action == IOT_ACTION_QUIT)
    return IOT_STEP_QUIT;
  if (ctx->jump_to != NULL)
    {
      iot_wizard_set_next (w, ctx->jump_to);
      ctx->jump_to = NULL;
    }
  return ctx->reply;
}

static void
fake_leave (IotWizard *w, gpointer data)
{
  Ctx *ctx = iot_wizard_get_context (w);
  StepData *d = data;
  g_assert_nonnull (d);
  g_assert_cmpuint (d->magic, ==, MAGIC);
  ctx->leaves[d->index]++;
  g_assert_cmpuint (ctx->live, >, 0);
  ctx->live--;
  g_string_append_printf (ctx->trace, "leave:%c ", 'a' + d->index);
  d->magic = 0;
  g_free (d);
}

static const IotAction bar[] = { IOT_ACTION_OPEN, IOT_ACTION_BACK, IOT_ACTION_NONE };

static const IotStepClass step_a = { "a", "Step A", bar, fake_enter, fake_action, NULL, fake_leave };
static const IotStepClass step_b = { "b", "Step B", bar, fake_enter, fake_action, NULL, fake_leave };
static const IotStepClass step_c = { "c", "Step C", bar, fake_enter, fake_action, NULL, fake_leave };
static const IotStepClass *const steps[] = { &step_a, &step_b, &step_c, NULL };

static void
changed_cb (IotWizard *w, gpointer user_data)
{
  Ctx *ctx = user_data;
  ctx->changed++;
}

static void
ctx_init (Ctx *ctx)
{
  memset (ctx, 0, sizeof *ctx);
  ctx->trace = g_string_new (NULL);
  ctx->reply = IOT_STEP_NEXT;
}

static void
ctx_clear (Ctx *ctx)
{
  g_string_free (ctx->trace, TRUE);
}

/* Asserts the trace since the last call and resets it. */
static void
expect_trace (Ctx *ctx, const char *expected)
{
  g_assert_cmpstr (ctx->trace->str, ==, expected);
  g_string_truncate (ctx->trace, 0);
}

static IotWizard *
start (Ctx *ctx)
{
  IotWizard *w = iot_wizard_new (steps, ctx);
  iot_wizard_set_changed_func (w, changed_cb, ctx);
  g_assert_true (iot_wizard_get_context (w) == ctx);
  g_assert_cmpuint (ctx->enters[0], ==, 0); /* nothing happens before start */
  iot_wizard_start (w);
  return w;
}

static void
assert_at (IotWizard *w, const IotStepClass *step, guint depth)
{
  g_assert_false (iot_wizard_is_finished (w));
  g_assert_true (iot_wizard_get_step (w) == step);
  g_assert_cmpuint (iot_wizard_get_depth (w), ==, depth);
  StepData *d = iot_wizard_get_step_data (w);
  g_assert_nonnull (d);
  g_assert_cmpuint (d->magic, ==, MAGIC);
  g_assert_cmpuint (d->index, ==, step_no (step->id));
}

static void
test_next_back (void)
{
  Ctx ctx;
  ctx_init (&ctx);
  IotWizard *w = start (&ctx);
  assert_at (w, &step_a, 0);
  expect_trace (&ctx, "enter:a ");

  /* NEXT goes forward and pushes history. */
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_OPEN), ==, IOT_STEP_NEXT);
  assert_at (w, &step_b, 1);
  expect_trace (&ctx, "action:a:open leave:a enter:b ");
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_OPEN), ==, IOT_STEP_NEXT);
  assert_at (w, &step_c, 2);
  expect_trace (&ctx, "action:b:open leave:b enter:c ");

  /* BACK pops, one step at a time, entering the earlier step afresh. */
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_BACK), ==, IOT_STEP_BACK);
  assert_at (w, &step_b, 1);
  expect_trace (&ctx, "action:c:back leave:c enter:b ");
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_BACK), ==, IOT_STEP_BACK);
  assert_at (w, &step_a, 0);
  expect_trace (&ctx, "action:b:back leave:b enter:a ");

  /* BACK on the first step stays there, without leaving it. */
  StepData *data = iot_wizard_get_step_data (w);
  iot_wizard_action (w, IOT_ACTION_BACK);
  assert_at (w, &step_a, 0);
  g_assert_true (iot_wizard_get_step_data (w) == data);
  expect_trace (&ctx, "action:a:back ");
  g_assert_cmpuint (ctx.enters[0], ==, 2);
  g_assert_cmpuint (ctx.leaves[0], ==, 1);

  /* STAY stays. */
  ctx.reply = IOT_STEP_STAY;
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_DOWN), ==, IOT_STEP_STAY);
  assert_at (w, &step_a, 0);
  g_assert_true (iot_wizard_get_step_data (w) == data);
  expect_trace (&ctx, "action:a:down ");

  iot_wizard_free (w);
  expect_trace (&ctx, "leave:a ");
  g_assert_cmpuint (ctx.live, ==, 0);
  ctx_clear (&ctx);
}

static void
test_next_past_last (void)
{
  Ctx ctx;
  ctx_init (&ctx);
  IotWizard *w = start (&ctx);
  iot_wizard_action (w, IOT_ACTION_OPEN);
  iot_wizard_action (w, IOT_ACTION_OPEN);
  assert_at (w, &step_c, 2);
  g_string_truncate (ctx.trace, 0);

  /* NEXT on the last step finishes the wizard. */
  iot_wizard_action (w, IOT_ACTION_OPEN);
  g_assert_true (iot_wizard_is_finished (w));
  g_assert_null (iot_wizard_get_step (w));
  expect_trace (&ctx, "action:c:open leave:c ");
  g_assert_cmpuint (ctx.live, ==, 0);

  /* Finished: actions no longer reach a step. */
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_OPEN), ==, IOT_STEP_QUIT);
  expect_trace (&ctx, "");

  iot_wizard_free (w);
  expect_trace (&ctx, ""); /* left once, not again on free */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (ctx.enters[i], ==, ctx.leaves[i]);
  ctx_clear (&ctx);
}

static void
test_set_next (void)
{
  Ctx ctx;
  ctx_init (&ctx);
  IotWizard *w = start (&ctx);

  /* Jump from a straight to c. */
  ctx.jump_to = "c";
  iot_wizard_action (w, IOT_ACTION_OPEN);
  assert_at (w, &step_c, 1);
  g_assert_cmpuint (ctx.enters[1], ==, 0);

  /* Back from c returns to a, where the jump came from. */
  iot_wizard_action (w, IOT_ACTION_BACK);
  assert_at (w, &step_a, 0);

  /* The jump is used once: the next NEXT goes to the following step. */
  iot_wizard_action (w, IOT_ACTION_OPEN);
  assert_at (w, &step_b, 1);

  /* A jump backwards to a named step pushes history too. */
  ctx.jump_to = "a";
  iot_wizard_action (w, IOT_ACTION_OPEN);
  assert_at (w, &step_a, 2);
  iot_wizard_action (w, IOT_ACTION_BACK);
  assert_at (w, &step_b, 1);

  /* A jump set but not taken (the step stays) holds for the next NEXT. */
  ctx.jump_to = "a";
  ctx.reply = IOT_STEP_STAY;
  iot_wizard_action (w, IOT_ACTION_DOWN);
  assert_at (w, &step_b, 1);
  ctx.reply = IOT_STEP_NEXT;
  iot_wizard_action (w, IOT_ACTION_OPEN);
  assert_at (w, &step_a, 2);

  iot_wizard_free (w);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (ctx.enters[i], ==, ctx.leaves[i]);
  g_assert_cmpuint (ctx.live, ==, 0);
  ctx_clear (&ctx);
}

/* A jump named by a step belongs to that step: once the step is left some
 * other way (BACK), the step shown next must not inherit it. */
static void
test_set_next_not_carried (void)
{
  Ctx ctx;
  ctx_init (&ctx);
  IotWizard *w = start (&ctx);
  iot_wizard_action (w, IOT_ACTION_OPEN);
  assert_at (w, &step_b, 1);

  /* b names c as its next step, then the user goes back instead. */
  iot_wizard_set_next (w, "c");
  iot_wizard_action (w, IOT_ACTION_BACK);
  assert_at (w, &step_a, 0);

  /* a goes on to the following step, b, as it never named another. */
  iot_wizard_action (w, IOT_ACTION_OPEN);
  const IotStepClass *now = iot_wizard_get_step (w);
  g_assert_nonnull (now);
  if (now != &step_b)
    {
      g_test_message ("NEXT from a went to \"%s\": the jump b named before going back "
                      "was kept",
                      now->id);
      g_test_fail ();
    }
  iot_wizard_free (w);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (ctx.enters[i], ==, ctx.leaves[i]);
  ctx_clear (&ctx);
}

static void
test_wait_continue (void)
{
  Ctx ctx;
  ctx_init (&ctx);
  IotWizard *w = start (&ctx);

  ctx.reply = IOT_STEP_WAIT;
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_OPEN), ==, IOT_STEP_WAIT);
  assert_at (w, &step_a, 0);
  g_assert_cmpuint (ctx.leaves[0], ==, 0);

  /* The async work completes: the wizard moves on. */
  guint changed = ctx.changed;
  iot_wizard_continue (w, IOT_STEP_NEXT);
  assert_at (w, &step_b, 1);
  g_assert_cmpuint (ctx.leaves[0], ==, 1);
  g_assert_cmpuint (ctx.enters[1], ==, 1);
  g_assert_cmpuint (ctx.changed, >, changed);

  /* WAIT then continue with STAY keeps the step. */
  iot_wizard_action (w, IOT_ACTION_OPEN);
  iot_wizard_continue (w, IOT_STEP_STAY);
  assert_at (w, &step_b, 1);

  /* WAIT then continue with a named jump. */
  iot_wizard_action (w, IOT_ACTION_OPEN);
  iot_wizard_set_next (w, "a");
  iot_wizard_continue (w, IOT_STEP_NEXT);
  assert_at (w, &step_a, 2);

  /* WAIT then continue with BACK. */
  iot_wizard_action (w, IOT_ACTION_OPEN);
  iot_wizard_continue (w, IOT_STEP_BACK);
  assert_at (w, &step_b, 1);

  /* WAIT then continue with QUIT. */
  iot_wizard_action (w, IOT_ACTION_OPEN);
  iot_wizard_continue (w, IOT_STEP_QUIT);
  g_assert_true (iot_wizard_is_finished (w));
  g_assert_cmpuint (ctx.live, ==, 0);

  /* A late completion after the wizard finished does nothing. */
  g_string_truncate (ctx.trace, 0);
  iot_wizard_continue (w, IOT_STEP_NEXT);
  g_assert_true (iot_wizard_is_finished (w));
  expect_trace (&ctx, "");

  iot_wizard_free (w);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (ctx.enters[i], ==, ctx.leaves[i]);
  ctx_clear (&ctx);
}

static void
test_quit (void)
{
  for (guint at = 0; at < 3; at++)
    {
      Ctx ctx;
      ctx_init (&ctx);
      IotWizard *w = start (&ctx);
      for (guint i = 0; i < at; i++)
        iot_wizard_action (w, IOT_ACTION_OPEN);
      assert_at (w, steps[at], at);
      g_string_truncate (ctx.trace, 0);

      g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_QUIT), ==, IOT_STEP_QUIT);
      g_assert_true (iot_wizard_is_finished (w));
      g_assert_null (iot_wizard_get_step (w));
      g_autofree char *want = g_strdup_printf ("action:%c:quit leave:%c ", 'a' + at, 'a' + at);
      expect_trace (&ctx, want);
      g_assert_cmpuint (ctx.leaves[at], ==, ctx.enters[at]);
      g_assert_cmpuint (ctx.live, ==, 0);

      /* Further actions and QUITs do not leave again. */
      g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_QUIT), ==, IOT_STEP_QUIT);
      g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_BACK), ==, IOT_STEP_QUIT);
      iot_wizard_free (w);
      expect_trace (&ctx, "");
      for (guint i = 0; i < 3; i++)
        g_assert_cmpuint (ctx.enters[i], ==, ctx.leaves[i]);
      ctx_clear (&ctx);
    }
}

static void
test_free_balanced (void)
{
  /* Freed in the middle, at every depth: every enter has its leave. */
  for (guint at = 0; at < 3; at++)
    {
      Ctx ctx;
      ctx_init (&ctx);
      IotWizard *w = start (&ctx);
      for (guint i = 0; i < at; i++)
        iot_wizard_action (w, IOT_ACTION_OPEN);
      iot_wizard_action (w, IOT_ACTION_BACK);
      iot_wizard_action (w, IOT_ACTION_OPEN);
      ctx.reply = IOT_STEP_WAIT;
      iot_wizard_action (w, IOT_ACTION_OPEN); /* freed while waiting */
      iot_wizard_free (w);
      for (guint i = 0; i < 3; i++)
        g_assert_cmpuint (ctx.enters[i], ==, ctx.leaves[i]);
      g_assert_cmpuint (ctx.live, ==, 0);
      ctx_clear (&ctx);
    }

  /* Never started: nothing entered, nothing left. */
  Ctx ctx;
  ctx_init (&ctx);
  IotWizard *w = iot_wizard_new (steps, &ctx);
  iot_wizard_free (w);
  expect_trace (&ctx, "");
  g_assert_cmpuint (ctx.changed, ==, 0);
  ctx_clear (&ctx);

  /* g_autoptr works. */
  ctx_init (&ctx);
  {
    g_autoptr (IotWizard) aw = iot_wizard_new (steps, &ctx);
    iot_wizard_start (aw);
  }
  expect_trace (&ctx, "enter:a leave:a ");
  ctx_clear (&ctx);
}

static void
test_changed (void)
{
  Ctx ctx;
  ctx_init (&ctx);
  IotWizard *w = start (&ctx);
  g_assert_cmpuint (ctx.changed, >=, 1); /* the first step is shown */

  guint n = ctx.changed;
  iot_wizard_action (w, IOT_ACTION_OPEN); /* NEXT */
  g_assert_cmpuint (ctx.changed, >, n);

  n = ctx.changed;
  ctx.reply = IOT_STEP_STAY;
  iot_wizard_action (w, IOT_ACTION_DOWN);
  g_assert_cmpuint (ctx.changed, >, n);

  n = ctx.changed;
  ctx.reply = IOT_STEP_WAIT;
  iot_wizard_action (w, IOT_ACTION_OPEN);
  g_assert_cmpuint (ctx.changed, >, n);

  n = ctx.changed;
  iot_wizard_continue (w, IOT_STEP_BACK);
  g_assert_cmpuint (ctx.changed, >, n);

  /* Steps ask for a redraw when their model changes. */
  n = ctx.changed;
  iot_wizard_changed (w);
  g_assert_cmpuint (ctx.changed, ==, n + 1);

  n = ctx.changed;
  iot_wizard_action (w, IOT_ACTION_QUIT);
  g_assert_cmpuint (ctx.changed, >, n);

  /* Without a changed function, nothing breaks. */
  iot_wizard_set_changed_func (w, NULL, NULL);
  n = ctx.changed;
  iot_wizard_changed (w);
  g_assert_cmpuint (ctx.changed, ==, n);

  iot_wizard_free (w);
  ctx_clear (&ctx);
}

/* A step without hooks: BACK still goes back, other actions stay. */
static const IotStepClass bare = { "bare", "Bare", NULL, NULL, NULL, NULL, NULL };
static const IotStepClass *const bare_steps[] = { &step_a, &bare, NULL };

static void
test_bare_step (void)
{
  Ctx ctx;
  ctx_init (&ctx);
  IotWizard *w = iot_wizard_new (bare_steps, &ctx);
  iot_wizard_start (w);
  iot_wizard_action (w, IOT_ACTION_OPEN);
  g_assert_true (iot_wizard_get_step (w) == &bare);
  g_assert_null (iot_wizard_get_step_data (w));
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_OPEN), ==, IOT_STEP_STAY);
  g_assert_true (iot_wizard_get_step (w) == &bare);
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_BACK), ==, IOT_STEP_BACK);
  g_assert_true (iot_wizard_get_step (w) == &step_a);
  g_assert_cmpuint (iot_wizard_get_depth (w), ==, 0);
  iot_wizard_free (w);
  g_assert_cmpuint (ctx.enters[0], ==, 2);
  g_assert_cmpuint (ctx.leaves[0], ==, 2);
  ctx_clear (&ctx);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/wizard/next-back", test_next_back);
  g_test_add_func ("/wizard/next-past-last", test_next_past_last);
  g_test_add_func ("/wizard/set-next", test_set_next);
  g_test_add_func ("/wizard/set-next-not-carried", test_set_next_not_carried);
  g_test_add_func ("/wizard/wait-continue", test_wait_continue);
  g_test_add_func ("/wizard/quit", test_quit);
  g_test_add_func ("/wizard/free-balanced", test_free_balanced);
  g_test_add_func ("/wizard/changed", test_changed);
  g_test_add_func ("/wizard/bare-step", test_bare_step);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
