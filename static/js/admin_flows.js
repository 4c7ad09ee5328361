// 情形引导 in the draft editor. A condition (a material's or a member's) and a test case's
// answers are picked from dropdowns built from the 情形问题 rows on the page, as they are typed:
// a question added now can be used before saving. Each editor keeps its value as JSON in a
// hidden input; the server checks it on save. A family's case picks its item from the members.
(function () {
  "use strict";

  const OPS = [["any", "是"], ["none", "不是"]];

  function make(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function option(value, text, selected) {
    const element = make("option", "", text);
    element.value = value;
    element.selected = Boolean(selected);
    return element;
  }

  function liveRows(group) {
    if (!group) return [];
    return Array.from(group.querySelectorAll(".inline-related:not(.empty-form)")).filter(function (row) {
      const remove = row.querySelector('input[name$="-DELETE"]');
      return !(remove && remove.checked);
    });
  }

  function lines(text) {
    const seen = [];
    text.split(/\r?\n/).forEach(function (line) {
      line = line.trim();
      if (line && seen.indexOf(line) < 0) seen.push(line);
    });
    return seen;
  }

  // The questions as they stand on the page: [{label, options}], unsaved ones included.
  function questions() {
    const found = [];
    liveRows(document.getElementById("questions-group")).forEach(function (row) {
      const label = row.querySelector('input[name$="-label"]');
      const options = row.querySelector('textarea[name$="-options"]');
      const text = label ? label.value.trim() : "";
      if (text && !found.some(function (q) { return q.label === text; })) {
        found.push({ label: text, options: options ? lines(options.value) : [] });
      }
    });
    return found;
  }

  function find(list, label) {
    return list.find(function (q) { return q.label === label; }) || null;
  }

  function read(input) {
    try {
      const value = JSON.parse(input.value || "[]");
      return Array.isArray(value) ? value : null;
    } catch (error) {
      return null;
    }
  }

  function write(input, value) {
    input.value = JSON.stringify(value);
  }

  function describe(clauses) {
    return clauses.map(function (clause) {
      const op = clause.op === "none" ? "不是" : "是";
      const options = (clause.options || []).join("或");
      return clause.question + op + (options || "（还没勾选选项）");
    }).join("，且");
  }

  function hint(editor, text) {
    editor.querySelector(".flow-rows").append(make("p", "flow-hint", text));
  }

  function noQuestionsText(editor) {
    const group = document.getElementById("questions-group");
    const above = group && (group.compareDocumentPosition(editor) & Node.DOCUMENT_POSITION_FOLLOWING);
    return "先在" + (above ? "上方" : "下方") + "“情形问题”里添加问题，这里就能选择。";
  }

  // Focus survives a redraw: the control with the same role in the same clause gets it back.
  function redraw(editor, draw) {
    const active = document.activeElement;
    const key = active && editor.contains(active) ? active.dataset.focus : null;
    const rows = editor.querySelector(".flow-rows");
    rows.replaceChildren();
    draw();
    if (key) {
      const again = rows.querySelector('[data-focus="' + key + '"]');
      if (again) again.focus();
    }
  }

  function setup(editor) {
    if (editor.closest(".empty-form") || editor.dataset.ready) return false;
    editor.dataset.ready = "1";
    editor.append(make("div", "flow-rows"));
    return true;
  }

  // ------------------------------------------------------------------ conditions

  function requiredBox(editor) {
    const row = editor.closest(".inline-related");
    return row ? row.querySelector('input[type="checkbox"][name$="-required"]') : null;
  }

  function note(editor, text) {
    let element = editor.querySelector(".flow-note");
    if (!element) {
      element = make("p", "flow-note");
      element.setAttribute("role", "status");
      editor.append(element);
    }
    element.textContent = text;
    element.hidden = !text;
  }

  function releaseRequired(editor, clauses) {
    const box = requiredBox(editor);
    if (box && box.checked && clauses.length) {
      box.checked = false;
      note(editor, "已取消勾选“是否必需”：设了情形条件的材料按情形提交。");
    }
  }

  function drawCondition(editor) {
    const input = editor.querySelector('input[type="hidden"]');
    const summary = editor.querySelector(".flow-summary");
    const clauses = read(input);
    const known = questions();
    redraw(editor, function () {
      if (clauses === null) {
        hint(editor, "这个条件的格式不对，无法显示。请点“删除全部条件”后重新选择。");
        const clear = make("button", "button flow-add", "删除全部条件");
        clear.type = "button";
        clear.addEventListener("click", function () { write(input, []); drawCondition(editor); });
        editor.querySelector(".flow-rows").append(clear);
        return;
      }
      summary.textContent = clauses.length ? "条件：" + describe(clauses) : "无条件";
      clauses.forEach(function (clause, index) {
        editor.querySelector(".flow-rows").append(clauseRow(editor, input, clauses, index, known));
      });
      if (!known.length) {
        hint(editor, noQuestionsText(editor));
        return;
      }
      const add = make("button", "button flow-add", "添加条件");
      add.type = "button";
      add.dataset.focus = "add";
      add.addEventListener("click", function () {
        const unused = known.find(function (q) {
          return !clauses.some(function (c) { return c.question === q.label; });
        });
        clauses.push({ question: (unused || known[0]).label, op: "any", options: [] });
        write(input, clauses);
        releaseRequired(editor, clauses);
        drawCondition(editor);
      });
      editor.querySelector(".flow-rows").append(add);
    });
  }

  function clauseRow(editor, input, clauses, index, known) {
    const clause = clauses[index];
    const row = make("div", "flow-clause");
    const changed = function () { write(input, clauses); drawCondition(editor); };

    const question = make("select");
    question.setAttribute("aria-label", "第 " + (index + 1) + " 条条件：问题");
    question.dataset.focus = index + "-question";
    known.forEach(function (q) { question.append(option(q.label, q.label, q.label === clause.question)); });
    const current = find(known, clause.question);
    if (!current) question.append(option(clause.question, "「" + clause.question + "」（已不存在）", true));
    question.addEventListener("change", function () {
      clause.question = question.value;
      clause.options = [];
      changed();
    });

    const op = make("select");
    op.setAttribute("aria-label", "第 " + (index + 1) + " 条条件：是或不是");
    op.dataset.focus = index + "-op";
    OPS.forEach(function (pair) { op.append(option(pair[0], pair[1], clause.op === pair[0])); });
    op.addEventListener("change", function () { clause.op = op.value; changed(); });

    const choices = make("span", "flow-options");
    const offered = (current ? current.options : []).slice();
    (clause.options || []).forEach(function (o) { if (offered.indexOf(o) < 0) offered.push(o); });
    offered.forEach(function (text, position) {
      const label = make("label", "flow-option");
      const box = make("input");
      box.type = "checkbox";
      box.dataset.focus = index + "-option-" + position;
      box.checked = (clause.options || []).indexOf(text) >= 0;
      box.addEventListener("change", function () {
        clause.options = offered.filter(function (o, i) {
          return i === position ? box.checked : (clause.options || []).indexOf(o) >= 0;
        });
        changed();
      });
      const gone = current && current.options.indexOf(text) < 0 ? "（已不存在）" : "";
      label.append(box, " " + text + gone);
      choices.append(label);
    });
    if (!offered.length) choices.append(make("span", "flow-hint", "这个问题还没有选项"));

    const remove = make("button", "button flow-remove", "删除");
    remove.type = "button";
    remove.setAttribute("aria-label", "删除第 " + (index + 1) + " 条条件");
    remove.addEventListener("click", function () { clauses.splice(index, 1); changed(); });

    row.append(question, op, choices, remove);
    return row;
  }

  // ------------------------------------------------------------------ test cases

  function drawAnswers(editor) {
    const input = editor.querySelector('input[type="hidden"]');
    const summary = editor.querySelector(".flow-summary");
    const answers = read(input);
    const known = questions();
    redraw(editor, function () {
      summary.hidden = true;
      if (answers === null) {
        hint(editor, "回答的格式不对，无法显示。请刷新页面后重新选择。");
        return;
      }
      const save = function () { write(input, answers); drawAnswers(editor); };
      if (!known.length) hint(editor, noQuestionsText(editor));
      known.forEach(function (q, index) {
        const label = make("label", "flow-answer");
        label.append(make("span", "flow-answer-label", q.label));
        const select = make("select");
        select.dataset.focus = "answer-" + index;
        const chosen = answers.find(function (a) { return a.question === q.label; });
        select.append(option("", "（不回答）", !chosen));
        q.options.forEach(function (o) { select.append(option(o, o, chosen && chosen.option === o)); });
        if (chosen && q.options.indexOf(chosen.option) < 0) {
          select.append(option(chosen.option, chosen.option + "（已不存在）", true));
        }
        select.addEventListener("change", function () {
          const kept = answers.filter(function (a) { return a.question !== q.label; });
          if (select.value) kept.push({ question: q.label, option: select.value });
          answers.splice(0, answers.length, ...order(kept, known));
          save();
        });
        label.append(select);
        editor.querySelector(".flow-rows").append(label);
      });
      answers.forEach(function (answer, index) {
        if (find(known, answer.question)) return;
        const row = make("p", "flow-hint", "问题「" + answer.question + "」已不存在（回答：" + answer.option + "） ");
        const remove = make("button", "button flow-remove", "删除这个回答");
        remove.type = "button";
        remove.addEventListener("click", function () { answers.splice(index, 1); save(); });
        row.append(remove);
        editor.querySelector(".flow-rows").append(row);
      });
    });
  }

  function order(answers, known) {
    const rank = function (a) {
      const i = known.findIndex(function (q) { return q.label === a.question; });
      return i < 0 ? known.length : i;
    };
    return answers.slice().sort(function (a, b) { return rank(a) - rank(b); });
  }

  // ------------------------------------------------------------------ a family's variant

  const variantChoices = new WeakMap();

  function memberIds() {
    return liveRows(document.getElementById("members-group")).map(function (row) {
      const select = row.querySelector('select[name$="-target"]');
      return select ? select.value : "";
    }).filter(Boolean);
  }

  function drawVariant(select) {
    if (select.closest(".empty-form")) return;
    if (!variantChoices.has(select)) {
      variantChoices.set(select, Array.from(select.options).map(function (o) {
        return { value: o.value, text: o.textContent, pk: o.dataset.pk || "" };
      }));
    }
    const all = variantChoices.get(select);
    const current = select.value;
    const ids = memberIds();
    select.replaceChildren(option("", "（请选择）", !current));
    ids.forEach(function (id) {
      const choice = all.find(function (c) { return c.pk === id; });
      if (choice) select.append(option(choice.value, choice.text, choice.value === current));
    });
    if (current && select.value !== current) {
      const choice = all.find(function (c) { return c.value === current; });
      select.append(option(current, (choice ? choice.text : current) + "（不在包含的事项中）", true));
    }
  }

  // ------------------------------------------------------------------ wiring

  function drawAll() {
    document.querySelectorAll(".flow-condition").forEach(function (editor) {
      if (!editor.closest(".empty-form")) drawCondition(editor);
    });
    document.querySelectorAll(".flow-answers").forEach(function (editor) {
      if (!editor.closest(".empty-form")) drawAnswers(editor);
    });
    document.querySelectorAll("select.flow-variant").forEach(drawVariant);
  }

  let pending = false;
  function drawSoon() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; drawAll(); });
  }

  // A question renamed: the conditions and answers naming it follow it.
  function rename(before, after) {
    if (!before || !after || before === after || find(questions(), before)) return;
    document.querySelectorAll(".flow-condition input[type=hidden], .flow-answers input[type=hidden]").forEach(function (input) {
      const value = read(input);
      if (!value) return;
      let touched = false;
      value.forEach(function (item) {
        if (item && item.question === before) { item.question = after; touched = true; }
      });
      if (touched) write(input, value);
    });
  }

  function prepare(root) {
    root.querySelectorAll(".flow-condition, .flow-answers").forEach(setup);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.querySelector(".flow-condition, .flow-answers, select.flow-variant")) return;
    prepare(document);
    drawAll();
    const group = document.getElementById("questions-group");
    if (group) {
      group.addEventListener("focusin", function (event) {
        if (event.target.matches('input[name$="-label"]')) event.target.dataset.before = event.target.value.trim();
      });
      group.addEventListener("input", function (event) {
        if (event.target.matches('input[name$="-label"]')) {
          const after = event.target.value.trim();
          rename(event.target.dataset.before, after);
          event.target.dataset.before = after;
        }
        drawSoon();
      });
      group.addEventListener("change", drawSoon);
    }
    document.addEventListener("change", function (event) {
      const box = event.target;
      if (!box.matches || !box.matches('input[type="checkbox"][name$="-required"]') || !box.checked) return;
      const editor = box.closest(".inline-related").querySelector(".flow-condition");
      const clauses = editor ? read(editor.querySelector('input[type="hidden"]')) : null;
      if (clauses && clauses.length) {
        note(editor, "设了情形条件的材料不能是“必需”：保存时会被拒绝。请删掉条件，或取消勾选“是否必需”。");
      }
    });
    document.addEventListener("formset:added", function (event) {
      prepare(event.target);
      drawSoon();
    });
    document.addEventListener("formset:removed", drawSoon);
    const members = document.getElementById("members-group");
    if (members) {
      members.addEventListener("change", drawSoon);
      // The item picker (select2) tells only jQuery listeners that it changed.
      if (window.django && window.django.jQuery) window.django.jQuery(members).on("change", "select", drawSoon);
    }
  });
})();
