/* The counter's registered-group picker (予約フォーム・事務機器): search as you type.
 *
 * Progressive enhancement. The page works without this script: the booking form searches with
 * its 検索 button (a reload) and a <select>; the office-machine forms offer the full <select>.
 * With it, matches (name, registration number, 登録中/失効/申請中, contact person and phone)
 * appear while the clerk types, a single registered match is picked at once, and the choice
 * goes into a hidden input of the select's name (the select itself is disabled and hidden).
 *
 * Markup: a container [data-group-picker="<json url>"] holding the query input
 * [data-group-picker-query], the <select data-group-picker-select>, elements for the page
 * without JavaScript [data-group-picker-fallback] and elements only useful with it
 * [data-group-picker-js] (rendered hidden).
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;
  // After a failed search the page keeps its own controls for a while, also after the 検索
  // reload, instead of offering a search box that cannot answer.
  var UNAVAILABLE_KEY = "groupPickerUnavailableAt";
  var UNAVAILABLE_MS = 10 * 60 * 1000;
  var pickerCount = 0;

  function recentlyUnavailable() {
    try {
      var at = Number(window.sessionStorage.getItem(UNAVAILABLE_KEY) || 0);
      return Date.now() - at < UNAVAILABLE_MS;
    } catch (error) {
      return false;
    }
  }

  function markUnavailable() {
    try {
      window.sessionStorage.setItem(UNAVAILABLE_KEY, String(Date.now()));
    } catch (error) {
      /* private mode: the fallback still applies to this page */
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function describe(group) {
    return group.name + (group.number ? "（" + group.number + "）" : "");
  }

  function contactLine(group) {
    var parts = [];
    parts.push("連絡担当者 " + (group.contact || "未登録"));
    parts.push("電話 " + (group.phone || "未登録"));
    return parts.join("・");
  }

  function statusBadge(group) {
    var kind = group.selectable ? "text-bg-success" : "text-bg-secondary";
    return element("span", "badge " + kind + " ms-1", group.status_label);
  }

  function enhance(root) {
    var url = root.getAttribute("data-group-picker");
    var query = root.querySelector("[data-group-picker-query]");
    var select = root.querySelector("[data-group-picker-select]");
    if (!url || !query || !select || !window.fetch || recentlyUnavailable()) return;
    pickerCount += 1;
    var id = "group-picker-" + pickerCount;

    // The value travels in a hidden input; the select stays in the page for the fallback.
    var hidden = element("input");
    hidden.type = "hidden";
    hidden.name = select.name;
    hidden.value = select.value;
    root.appendChild(hidden);
    select.disabled = true;

    var list = element("ul", "list-group group-picker-list mb-2");
    list.id = id + "-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "該当する団体");
    list.hidden = true;

    var status = element("p", "small mb-2 group-picker-status");
    status.id = id + "-status";
    // A live region without role=status: the page's own messages keep that role.
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");

    var picked = element("div", "group-picker-picked border rounded p-2 mb-3");
    picked.hidden = true;
    var pickedText = element("div", "group-picker-picked-text");
    var clear = element("button", "btn btn-sm btn-outline-secondary mt-1", "選び直す");
    clear.type = "button";
    picked.appendChild(pickedText);
    picked.appendChild(clear);

    query.parentNode.appendChild(list);
    query.parentNode.appendChild(status);
    query.parentNode.appendChild(picked);

    query.setAttribute("role", "combobox");
    query.setAttribute("aria-autocomplete", "list");
    query.setAttribute("aria-expanded", "false");
    query.setAttribute("aria-controls", list.id);
    query.setAttribute("autocomplete", "off");

    root.querySelectorAll("[data-group-picker-fallback]").forEach(function (node) {
      node.hidden = true;
    });
    root.querySelectorAll("[data-group-picker-js]").forEach(function (node) {
      node.hidden = false;
    });

    var results = [];
    var active = -1;
    var sequence = 0;
    var timer = null;

    function showList(show) {
      list.hidden = !show;
      query.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) setActive(-1);
    }

    function setActive(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.classList.toggle("is-active", i === index);
      });
      if (index >= 0 && list.children[index]) {
        query.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        query.removeAttribute("aria-activedescendant");
      }
    }

    function pick(group, announce) {
      hidden.value = String(group.id);
      pickedText.textContent = "";
      var title = element("strong", "", "選択中：" + describe(group));
      pickedText.appendChild(title);
      pickedText.appendChild(statusBadge(group));
      pickedText.appendChild(element("div", "small", contactLine(group)));
      picked.hidden = false;
      Array.prototype.forEach.call(list.children, function (item) {
        item.setAttribute("aria-selected", item.dataset.id === hidden.value ? "true" : "false");
      });
      if (announce) status.textContent = announce;
    }

    function unpick(announce) {
      hidden.value = "";
      picked.hidden = true;
      pickedText.textContent = "";
      if (announce) status.textContent = announce;
    }

    function render(found, more) {
      results = found;
      list.textContent = "";
      found.forEach(function (group, index) {
        var item = element("li", "list-group-item group-picker-option");
        item.id = id + "-option-" + index;
        item.dataset.id = String(group.id);
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", String(group.id) === hidden.value ? "true" : "false");
        if (!group.selectable) item.setAttribute("aria-disabled", "true");
        var head = element("div");
        head.appendChild(element("span", "fw-bold", describe(group)));
        head.appendChild(statusBadge(group));
        item.appendChild(head);
        var detail = contactLine(group);
        if (!group.selectable) {
          detail += "（登録団体としては選べません。利用者名に入力してください）";
        }
        item.appendChild(element("div", "small", detail));
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the search box
        });
        item.addEventListener("click", function () {
          choose(index);
        });
        list.appendChild(item);
      });
      var selectable = found.filter(function (group) {
        return group.selectable;
      });
      var stillThere = found.some(function (group) {
        return String(group.id) === hidden.value;
      });
      if (selectable.length === 1 && found.length === 1) {
        pick(selectable[0], "1件見つかりました。「" + describe(selectable[0]) + "」を選びました。");
        showList(false);
        return;
      }
      if (hidden.value && !stillThere) unpick();
      if (!found.length) {
        status.textContent = "該当する団体はありません。登録団体以外の方は利用者名に入力してください。";
        showList(false);
        return;
      }
      status.textContent =
        found.length + "件見つかりました" + (more ? "（ほかにもあります。続けて入力すると絞り込めます）" : "") +
        "。矢印キーで選び、Enterで決定します。";
      showList(true);
    }

    function choose(index) {
      var group = results[index];
      if (!group) return;
      if (!group.selectable) {
        status.textContent = "「" + describe(group) + "」は" + group.status_label + "のため、登録団体としては選べません。";
        return;
      }
      pick(group, "「" + describe(group) + "」を選びました。");
      showList(false);
    }

    function fallBack() {
      // The search cannot answer (offline, logged out): give the page back its own controls.
      markUnavailable();
      hidden.remove();
      select.disabled = false;
      showList(false);
      picked.hidden = true;
      root.querySelectorAll("[data-group-picker-fallback]").forEach(function (node) {
        node.hidden = false;
      });
      var searchButton = root.querySelector("[data-group-picker-fallback] button");
      status.textContent = searchButton
        ? "候補を表示できませんでした。「検索」を押して探してください。"
        : "候補を表示できませんでした。「登録団体」の一覧から選んでください。";
    }

    function fetchJson(params) {
      return fetch(url + "?" + params, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
    }

    function search() {
      var text = query.value.trim();
      var mine = ++sequence;
      if (!text) {
        results = [];
        list.textContent = "";
        showList(false);
        status.textContent = "";
        return;
      }
      fetchJson("q=" + encodeURIComponent(text))
        .then(function (data) {
          if (mine === sequence) render(data.results || [], data.more);
        })
        .catch(function () {
          if (mine === sequence) fallBack();
        });
    }

    query.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DEBOUNCE_MS);
    });

    query.addEventListener("keydown", function (event) {
      var open = !list.hidden && results.length > 0;
      if (event.key === "ArrowDown" && open) {
        event.preventDefault();
        setActive(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        setActive(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        // Enter chooses here; it never submits the booking half-filled.
        event.preventDefault();
        if (open && active >= 0) {
          choose(active);
        } else {
          window.clearTimeout(timer);
          search();
        }
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        showList(false);
      }
    });

    query.addEventListener("blur", function () {
      window.setTimeout(function () {
        showList(false);
      }, 150);
    });

    query.addEventListener("focus", function () {
      if (results.length > 1) showList(true);
    });

    clear.addEventListener("click", function () {
      unpick("選択を解除しました。");
      query.focus();
    });

    // A form shown again (an error, a change of a booking) already has its group: show it.
    if (hidden.value) {
      fetchJson("id=" + encodeURIComponent(hidden.value))
        .then(function (data) {
          if (data.results && data.results[0]) pick(data.results[0]);
        })
        .catch(function () {
          /* the select still holds the value; nothing to show */
        });
    }
  }

  document.querySelectorAll("[data-group-picker]").forEach(enhance);
})();
