"""A commented starter scenario for trainers: ``python run_sim.py new NAME`` writes it to ``scenarios/NAME.yaml``.

The starter is a small but complete scenario (a two-station journey, an outage, named failure types, an
escalation chain, two policies, a one-decision exercise)
that validates, runs and can be played as it stands, so a trainer changes working text instead of
starting from a blank page. Its comments say what each section is for.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..atomic_write import write_atomic
from ..errors import UserError

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")

TEMPLATE = """\
# yaml-language-server: $schema=schema.json
# __TITLE__ - a new scenario, started from the template of `python run_sim.py new`.
# Change the values and texts; keep the structure. Check the file after every change with
#     python run_sim.py validate scenarios/__NAME__.yaml
# which lists every problem with its line and column. docs/authoring.md explains each section.
# Text the trainee sees is written twice: {en: English, zh: 中文}. Times are minutes, money is meta.currency.

meta:
  title: {en: "__TITLE__", zh: "__TITLE__"}
  summary:
    en: "One or two sentences: what goes wrong, and what the trainee must do about it."
    zh: "用一两句话说明：出了什么问题，学员要怎么做。"
  difficulty: easy                  # easy, medium or hard
  currency: CNY
  learning_objectives:
    - {en: "Apologise and fix the problem on the spot", zh: "当场道歉并解决问题"}
    - {en: "Never hide behind the rules", zh: "不要躲在规定后面"}
  source_case: {en: "Where the case comes from", zh: "案例来源"}
  key_kpis:                         # the expert policy must beat the standard process on each of these
    - {kpi: retention_rate, better: higher}
    - {kpi: quality_score, better: higher}

# -- the operation: when it is open, who comes, who serves them --------------------------------------
operation:
  opens_at: "09:00"                 # the clock time of minute 0
  duration_min: 240                 # minutes open per day
  service_level_threshold_min: 10   # "served within 10 minutes" counts toward the service level

segments:                           # groups of customers, each with its own arrivals and value
  customer:
    label: {en: Customer, zh: 顾客}
    arrivals_per_hour: [30, 40, 40, 30]   # one rate per opening hour, or a single number
    # The visit is a journey through stations, each with its own queue, service time and KPIs
    # (station.clerk.mean_wait_min, ...). A station is a role under `staff` or a resource under
    # `self_service`. `next` gives the chances of where a customer goes after a station; the rest leave.
    # For a visit to one station only, write instead: service: {role: clerk, time: {...}}
    journey:
      - station: clerk
        time: {dist: lognormal, mean: 5, sd: 2}
        next: {cashier: 0.6}        # 60 % go on to pay, 40 % are done
      - station: cashier
        time: {dist: exponential, mean: 2}
    value: 100                      # revenue from one visit

staff:                              # roles; `count` is how many are on duty
  clerk:
    label: {en: Clerk, zh: 店员}
    count: 4
  cashier:
    label: {en: Cashier, zh: 收银员}
    count: 2
  supervisor:
    label: {en: Supervisor, zh: 主管}
    count: 1

outages:                            # a station loses capacity for a while (a system outage, a sick call)
  - id: system_down
    label: {en: Counter system down, zh: 柜台系统故障}
    station: clerk
    at_min: 150                     # 11:30
    lasts_min: 30
    share_out: 0.5                  # half the clerks cannot work (or staff_out: 2)
    slowdown: 1.5                   # the others serve by hand, half as slow again

# -- what goes wrong, and how customers react --------------------------------------------------------
failures:                           # named failure types, each with its own chance, stations, severity and counters
  types:                            # (without `types`, three generic categories: categories: {delivery_system: 0.05, ...})
    wrong_item:
      label: {en: Wrong item handed over, zh: 拿错东西}
      category: customer_needs      # Bitner's category: delivery_system, customer_needs or employee_action
      chance: 0.03                  # per service at its stations
      stations: [clerk]
      severity_mix: {minor: 0.5, major: 0.4, critical: 0.1}
      cause: {controllable: true, stable: false}   # how customers attribute it
    till_error:
      label: {en: Charged twice, zh: 重复扣款}
      category: delivery_system
      chance: 0.03
      stations: [cashier]
    curt_clerk:
      label: {en: A curt clerk, zh: 店员态度生硬}
      category: employee_action
      chance: 0.01
      stations: [clerk]
      severity_mix: {minor: 0.8, major: 0.2, critical: 0.0}

behaviour:
  complaint_propensity: {minor: 0.1, major: 0.3, critical: 0.6}   # share of unhappy customers who speak up

recovery:                           # what staff can do after a failure
  empowerment: low                  # low, medium or high: how often the front line may fix it on the spot
  escalation:                       # where cases go when the front line may not fix them: level by level,
    - role: supervisor              # each settling a share and passing the rest up
      label: {en: Supervisor, zh: 主管}
      handover_min: 3               # staff time to explain the case, on both sides
      resolves: 0.8
    - label: {en: Head office, zh: 总部}   # no role: head office, off site
      delay_min: 1440               # answers the next day
  default_actions: [apologise]
  actions:                          # staff time (minutes), cost, and quality given back (0..1)
    apologise: {label: {en: Apologise, zh: 道歉}, staff_min: 1, restores: 0.08}
    fix: {label: {en: Fix it now, zh: 当场解决}, staff_min: 5, cost: 20, restores: 0.2}
    gesture: {label: {en: A small gesture, zh: 一点心意}, staff_min: 1, cost: 15, restores: 0.06}

# -- ways of responding, compared by planners and replayed in the debrief ----------------------------
policies:
  standard_process:
    label: {en: Standard process, zh: 标准流程}
    description: {en: "Apologise; problems go to the supervisor.", zh: "道歉；问题交给主管处理。"}
    empowerment: low
    actions: [apologise]
    choices: {first_complaint: rules}        # the answer this policy gives at each decision point
  expert:
    label: {en: Expert, zh: 资深员工}
    description: {en: "Apologise, fix it on the spot, add a small gesture, check on quiet customers.", zh: "道歉、当场解决、表达一点心意，并主动关心沉默的顾客。"}
    empowerment: high
    actions: [apologise, fix, gesture]
    proactive_share: 0.3                     # share of silent unhappy customers staff notice and help
    choices: {first_complaint: own_and_fix}

# -- the training game ------------------------------------------------------------------------------
exercise:
  role: {en: "Clerk at the front counter", zh: "前台店员"}
  trainee_role: clerk
  situation:
    en: "A busy morning at the counter. Describe here what the trainee walks into."
    zh: "柜台前忙碌的上午。在这里描述学员面对的情境。"
  goals:
    - {en: "Fix problems before the customer leaves", zh: "在顾客离开之前解决问题"}
  principles: [act_fast, encourage_complaints]
  dimensions: [apology, urgent_reinstatement, symbolic_atonement]
  time_scale: 2                     # model minutes per real second at 1x
  end_min: 230
  layout:                           # a 1280 x 720 plan: x to the right, y down
    theme: hall
    entrance: {x: 80, y: 660}
    fixtures:
      - {id: counter, kind: counter, label: {en: Counter, zh: 柜台}, rect: {x: 80, y: 60, w: 460, h: 90}, role: clerk}
      - {id: till, kind: counter, label: {en: Till, zh: 收银台}, rect: {x: 570, y: 60, w: 210, h: 90}, role: cashier}
      - {id: waiting, kind: seats, label: {en: Waiting area, zh: 等候区}, rect: {x: 80, y: 200, w: 700, h: 300}, rows: 6, cols: 14}
      - {id: office, kind: desk, label: {en: Supervisor, zh: 主管}, rect: {x: 820, y: 560, w: 200, h: 70}, role: supervisor}
    boards:
      - id: notices
        kind: notices
        title: {en: Today, zh: 今日}
        rect: {x: 840, y: 60, w: 400, h: 200}
        columns:
          - {key: item, title: {en: Item, zh: 项目}}
          - {key: state, title: {en: State, zh: 状态}, width: 1.5}
        rows:
          - {id: queue, cells: {item: {en: Queue, zh: 排队}, state: {en: Normal, zh: 正常}}}
  cast:                             # named customers who arrive at set times
    - id: guest
      name: {en: Ms Zhou, zh: 周女士}
      segment: customer
      at_min: 60
      seat: waiting
      description: {en: "A regular customer", zh: "一位老顾客"}
  injects:                          # scripted events with a cue on screen
    - id: mistake
      at_min: 62
      kind: complaint
      title: {en: "A mistake", zh: "一个失误"}
      cue: {en: "Ms Zhou has been given the wrong item.", zh: "周女士拿到的东西不对。"}
      actions:
        - {kind: fail, cast: [guest], category: customer_needs, severity: major, label: wrong_item}
  decisions:                        # the customer speaks; the trainee picks an answer in time
    - id: first_complaint
      after_inject: mistake
      delay_min: 1
      about: guest
      title: {en: "The wrong item", zh: "拿错了东西"}
      line: {en: "This isn't what I asked for.", zh: "这不是我要的。"}
      timer_s: 20
      default: not_sure
      choices:
        - id: own_and_fix
          text: {en: "\\"I'm sorry, that's our mistake. I'll change it for you right now.\\"", zh: "“对不起，是我们弄错了。我马上给您换。”"}
          actions: [apologise, fix]
          mood: 0.08
          follows: [apology, urgent_reinstatement, act_fast]
          feedback: {en: "Owned and fixed on the spot.", zh: "当场承担并解决。"}
        - id: rules
          text: {en: "\\"Those are the company rules: exchanges at the service desk only.\\"", zh: "“这是公司的规定：只能到服务台换。”"}
          mood: -0.3
          flags: [forbidden_phrase, rules]
          breaks: [urgent_reinstatement, empathy]
          feedback: {en: "\\"Those are the company rules\\" is a forbidden phrase.", zh: "“这是公司的规定”是禁用语。"}
        - id: not_sure
          text: {en: "\\"Hmm, I'm not sure. Go ask someone else.\\"", zh: "“嗯，我不太清楚。您去问别人吧。”"}
          mood: -0.35
          flags: [forbidden_phrase, deflection]
          breaks: [act_fast, empathy]
          feedback: {en: "Two forbidden phrases at once.", zh: "一次说了两句禁用语。"}
  verbs:                            # actions the trainee can take on a selected customer at any time
    - {id: apologise, key: a, label: {en: Apologise, zh: 道歉}, actions: [apologise], follows: [apology]}
    - {id: fix, key: f, label: {en: Fix it now, zh: 当场解决}, actions: [fix], follows: [urgent_reinstatement]}
"""


def starter_text(name: str) -> str:
    """The starter scenario for ``name`` (its title is the name in words)."""
    title = name.replace("_", " ").strip().capitalize()
    return TEMPLATE.replace("__NAME__", name).replace("__TITLE__", title)


def check_name(name: str) -> str:
    """``name`` without a ``.yaml`` ending, if it is a usable file name; else a :class:`UserError`."""
    stem = name[:-5] if name.endswith(".yaml") else name
    if not NAME_PATTERN.match(stem):
        raise UserError(
            f"new {name!r}: a scenario name is lowercase letters, digits and underscores, starting with a "
            f"letter (at most 60), for example: hotel_late_checkout"
        )
    return stem


def write_starter(folder: Path, name: str) -> Path:
    """Write ``folder/NAME.yaml`` from the template; never overwrites an existing file."""
    stem = check_name(name)
    path = Path(folder) / f"{stem}.yaml"
    if path.exists():
        raise UserError(f"{path}: the file already exists; choose another name, or edit the file itself")
    if not Path(folder).is_dir():
        raise UserError(f"{folder}: no such folder; scenarios live in the scenarios/ folder of the project")
    return write_atomic(path, starter_text(stem), overwrite=False)  # never replaces a file made meanwhile
