// Live search: results while typing under every <form data-live-search> holding an
// <input type="search" name="q">. Without JavaScript the form still submits as a plain GET.
//
// Keys: "/" anywhere (outside another field) focuses the first box; ↑ ↓ move through the
// results; Enter opens the highlighted one (or submits the form if none is); Escape closes.
// The endpoint is the attribute's value (data-live-search="/api/search"), else /api/search.
// Results are untrusted text: they are put in the page with textContent, never as HTML.
// The answers come first; weaker matches follow under 可能相关; when nothing answers, the box
// says 本中心没有「…」对应的事项 and shows where to go if the referral list (转介清单) names it.
(function () {
  "use strict";

  const DEBOUNCE_MS = 120;
  const LIMIT = 8;
  const DEFAULT_ENDPOINT = "/api/search";
  let boxes = 0;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Text with every occurrence of the matched words wrapped in <mark>, and of a variant's
  // words (补办, 注销 … in a family of items) in <strong class="variant-word">, which wins.
  function marked(tag, className, text, marks, variantWords) {
    const node = element(tag, className);
    const lower = text.toLowerCase();
    const ranges = [];
    function find(words, strong) {
      words.forEach(function (word) {
        const needle = String(word).toLowerCase();
        if (!needle) return;
        for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
          ranges.push([at, at + needle.length, strong]);
        }
      });
    }
    find(variantWords || [], true);
    find(marks, false);
    ranges.sort(function (a, b) { return a[0] - b[0] || (b[2] - a[2]) || b[1] - a[1]; });
    let position = 0;
    ranges.forEach(function (range) {
      const start = Math.max(range[0], position);
      if (range[1] <= start) return;
      if (start > position) node.append(text.slice(position, start));
      const piece = text.slice(start, range[1]);
      node.append(range[2] ? element("strong", "variant-word", piece) : element("mark", "", piece));
      position = range[1];
    });
    if (position < text.length) node.append(text.slice(position));
    return node;
  }

  function isTyping(target) {
    return target instanceof HTMLElement && (
      target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].indexOf(target.tagName) >= 0
    );
  }

  function setUp(form) {
    const input = form.querySelector('input[type="search"][name="q"]');
    if (!input || input.dataset.liveSearchReady) return;
    input.dataset.liveSearchReady = "1";
    const endpoint = form.getAttribute("data-live-search") || DEFAULT_ENDPOINT;
    const listId = "live-results-" + (++boxes);
    const list = element("ul", "live-results");
    list.id = listId;
    list.hidden = true;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "搜索结果");
    const empty = element("p", "live-results live-results--empty", "没有找到匹配的事项。");
    empty.hidden = true;
    const status = element("p", "visually-hidden");
    status.setAttribute("role", "status");
    form.append(list, empty, status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    let timer = 0;
    let request = null;
    let results = [];
    let active = -1;

    function close() {
      list.hidden = true;
      empty.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const options = list.querySelectorAll('[role="option"]');
      active = index;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function option(result, index, related) {
      const marks = Array.isArray(result.marks) ? result.marks : [];
      const variantWords = Array.isArray(result.variant) ? result.variant : [];
      const item = element("li", "live-results__option" + (related ? " live-results__option--related" : ""));
      item.id = listId + "-" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      const link = element("a", "live-results__link");
      link.href = result.url;
      link.tabIndex = -1;
      link.append(
        marked("span", "live-results__title", String(result.title || ""), marks, variantWords),
        element("span", "live-results__category", String(result.category || ""))
      );
      if (result.snippet) {
        link.append(marked("span", "live-results__snippet", String(result.snippet), marks));
      }
      item.append(link);
      return item;
    }

    // Text the list shows between the options (not selectable).
    function aside(child) {
      const item = element("li", "live-results__aside");
      item.setAttribute("role", "presentation");
      item.append(child);
      return item;
    }

    // A phone text (供电 95598；自来水 0571-8888 6600) with each number a tel: link, as the
    // results page shows it (search/templatetags/referrals.py, the same pattern).
    function dialled(text) {
      const dd = element("dd");
      let start = 0;
      text.replace(/\d{3,}(?:[- ]\d{2,})*/g, function (number, at) {
        dd.append(document.createTextNode(text.slice(start, at)));
        const link = element("a", "", number);
        link.href = "tel:" + number.replace(/ /g, "");
        dd.append(link);
        start = at + number.length;
        return number;
      });
      dd.append(document.createTextNode(text.slice(start)));
      return dd;
    }

    // Where to go for what the hall does not handle (转介清单); a small note under results.
    function referralCard(referral, note) {
      const card = element("div", "referral" + (note ? " referral--note" : ""));
      const title = String(referral.title || "");
      card.append(element("p", "referral__lead",
        note ? "“" + title + "”不在本中心办理，请到：" : "“" + title + "”请到："));
      card.append(element("p", "referral__where", String(referral.where || "")));
      const details = element("dl", "referral__details");
      [["地址", referral.address], ["电话", referral.phone], ["办公时间", referral.hours]]
        .forEach(function (pair) {
          if (!pair[1]) return;
          const text = String(pair[1]);
          details.append(element("dt", "", pair[0]),
            pair[0] === "电话" ? dialled(text) : element("dd", "", text));
        });
      card.append(details);
      if (referral.note) card.append(element("p", "referral__note", String(referral.note)));
      return card;
    }

    function render(data, query) {
      if (input.value.trim() !== query) return;
      const answers = Array.isArray(data.results) ? data.results : [];
      const related = Array.isArray(data.related) ? data.related : [];
      const referral = data.referral && typeof data.referral === "object" ? data.referral : null;
      const notHere = data.not_here === true;
      const notHereText = "本中心没有「" + query + "」对应的事项。";
      // A query the server refused (too long) is told as the results page tells it.
      const refused = typeof data.error === "string" ? data.error : "";
      const nothing = refused || (notHere ? notHereText : "没有找到匹配的事项。");
      results = answers.concat(related);
      list.replaceChildren();
      if (notHere && (referral || related.length)) {
        list.append(aside(element("p", "live-results__not-here", notHereText)));
      }
      if (referral && notHere) list.append(aside(referralCard(referral, false)));
      answers.forEach(function (result, index) {
        // Items that differ only by an action word (新办 / 变更 / 注销 …) come side by side:
        // the clerk asks the resident which one.
        const family = typeof result.family === "string" ? result.family : "";
        if (family && (index === 0 || answers[index - 1].family !== family)) {
          const count = answers.filter(function (other) { return other.family === family; }).length;
          list.append(aside(element("p", "live-results__family",
            "同类事项「" + family + "」有 " + count + " 种办理情形，请问要办哪一种：")));
        }
        list.append(option(result, index, false));
      });
      if (referral && !notHere) list.append(aside(referralCard(referral, true)));
      if (related.length) {
        list.append(aside(element("p", "live-results__heading", "可能相关")));
        related.forEach(function (result, index) {
          list.append(option(result, answers.length + index, true));
        });
      }
      active = -1;
      const shown = list.children.length > 0;
      list.hidden = !shown;
      empty.textContent = nothing;
      empty.hidden = shown;
      input.setAttribute("aria-expanded", shown ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
      let said = answers.length
        ? "找到 " + answers.length + " 个事项，用上下键选择。"
        : nothing;
      if (referral) said += "请到" + String(referral.where || "") + "办理。";
      if (related.length) said += "另有 " + related.length + " 个可能相关的事项。";
      status.textContent = said;
    }

    function search(query) {
      if (request) request.abort();
      request = new AbortController();
      const url = endpoint + "?" + new URLSearchParams({ q: query, limit: String(LIMIT) });
      const options = { signal: request.signal, headers: { Accept: "application/json" } };
      fetch(url, options)
        .then(function (response) {
          return response.ok || response.status === 400 ? response.json() : {};
        })
        .then(function (data) { render(data, query); })
        .catch(function (error) { if (error.name !== "AbortError") close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      const query = input.value.trim();
      if (!query) {
        if (request) request.abort();
        results = [];
        close();
        return;
      }
      timer = window.setTimeout(function () { search(query); }, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.isComposing) return;  // Keys belong to the input method while it composes.
      const open = !list.hidden && results.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!results.length) return;
        event.preventDefault();
        if (!open) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        // The box itself (-1) sits between the last result and the first.
        const count = results.length;
        if (event.key === "ArrowDown") highlight(active + 1 >= count ? -1 : active + 1);
        else highlight(active - 1 < -1 ? count - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        window.location.assign(results[active].url);
      } else if (event.key === "Escape" && (!list.hidden || !empty.hidden)) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("focus", function () {
      if (list.children.length && input.value.trim()) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    });

    // Keep the focus in the box while a result is clicked.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });

    form.addEventListener("focusout", function (event) {
      if (!form.contains(event.relatedTarget)) close();
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    const box = document.querySelector('form[data-live-search] input[type="search"][name="q"]');
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  // The "/" key is named in a box's placeholder (data-key-hint) only where there is a keyboard
  // to press it: a wide screen with a mouse, not a phone or a tablet.
  const keyboard = window.matchMedia("(min-width: 901px) and (hover: hover) and (pointer: fine)");
  function hintKeys() {
    document.querySelectorAll("input[data-key-hint]").forEach(function (box) {
      if (!box.dataset.plainPlaceholder) box.dataset.plainPlaceholder = box.placeholder;
      box.placeholder = box.dataset.plainPlaceholder + (keyboard.matches ? box.dataset.keyHint : "");
    });
  }
  keyboard.addEventListener("change", hintKeys);
  hintKeys();

  document.querySelectorAll("form[data-live-search]").forEach(setUp);
})();
