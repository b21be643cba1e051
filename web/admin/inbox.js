/* The staff's handoff inbox (/admin/handoffs): polls /admin/api/handoffs, shows open
   requests and the selected conversation, and claims, replies and ends through the same API.
   All text from citizens is put in the page as text, never as markup. */
(function () {
  "use strict";

  var root = document.getElementById("inbox");
  if (!root) return;
  var csrf = root.getAttribute("data-csrf");
  var canEdit = root.getAttribute("data-can-edit") === "true";
  var POLL_MS = 2000;
  var STATUS = { waiting: "Đang chờ", claimed: "Đang hỗ trợ", closed: "Đã kết thúc", abandoned: "Người dân đã rời đi" };
  var state = { desk: null, selected: null, actionsKey: "" };

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), attrs[name]);
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  /* The API gives Vietnam time with its offset: show its own clock, whatever the browser's zone. */
  function clock(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
    return m ? m[4] + ":" + m[5] + " " + m[3] + "/" + m[2] : "";
  }

  function duration(seconds) {
    if (seconds < 60) return seconds + " giây";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " phút " + (seconds % 60) + " giây";
    return Math.floor(minutes / 60) + " giờ " + (minutes % 60) + " phút";
  }

  function showError(message) {
    var box = $("desk-error");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch("/admin/api/handoffs" + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401) window.location.href = "/admin/login";
        if (!response.ok) {
          var detail = data && data.detail;
          var message = (detail && (detail.message || (typeof detail === "string" ? detail : ""))) ||
            "Không thực hiện được (mã " + response.status + ").";
          throw new Error(message);
        }
        return data;
      });
    });
  }

  function selectedHandoff() {
    if (!state.desk) return null;
    return state.desk.handoffs.filter(function (h) { return h.id === state.selected; })[0] || null;
  }

  function renderStatus() {
    var d = state.desk;
    var office = d.office_open ? "Đang trong giờ làm việc" : "Ngoài giờ làm việc";
    $("desk-status").textContent = office + " (" + d.office_hours + "). Cán bộ đang trực: " + d.staff_online + ".";
    var input = $("display-name");
    if (input && document.activeElement !== input && !input.value) input.value = d.display_name || "";
  }

  function renderQueue() {
    var list = $("queue");
    list.textContent = "";
    var open = state.desk.handoffs;
    if (!open.length) list.appendChild(el("li", { className: "muted", text: "Chưa có yêu cầu nào." }));
    open.forEach(function (h) {
      var wait = h.status === "waiting" ? "chờ " + duration(h.waiting_seconds) : (h.claimed_by ? "cán bộ: " + h.claimed_by : "");
      var item = el("li", {
        "data-handoff": String(h.id), "data-conversation": h.conversation_id, tabindex: "0", "aria-current": String(h.id === state.selected),
        onclick: function () { select(h.id); },
        onkeydown: function (event) { if (event.key === "Enter") select(h.id); },
      }, [
        el("strong", { text: "Yêu cầu #" + h.id + " " }),
        el("span", { className: "badge " + h.status, text: STATUS[h.status] || h.status }),
        el("div", { className: "muted", text: clock(h.created_at) + (h.live ? "" : " · để lại ngoài giờ") + " · " + wait }),
        el("div", { className: "muted", text: h.last_document ? "Tài liệu bot dùng gần nhất: " + (h.last_document.title || h.last_document.id) : "" }),
      ]);
      list.appendChild(item);
    });
  }

  function line(kind, who, text) {
    return el("div", { className: "line " + kind }, [el("span", { className: "who", text: who }), document.createTextNode(text)]);
  }

  function renderChat() {
    var h = selectedHandoff();
    $("chat").hidden = !h;
    if (!h) return;
    $("chat-title").textContent = "Yêu cầu #" + h.id + " · " + (STATUS[h.status] || h.status);
    $("chat-meta").textContent = (h.citizen_present ? "Người dân đang mở cửa sổ trò chuyện." : "Người dân không còn mở cửa sổ trò chuyện.") +
      (h.last_document ? " Tài liệu bot dùng gần nhất: " + (h.last_document.title || h.last_document.id) + "." : "");
    var log = $("chat-log");
    var atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    log.textContent = "";
    h.transcript.forEach(function (turn) {
      log.appendChild(line(turn.speaker === "bot" ? "bot" : "citizen", turn.speaker === "bot" ? "Trợ lý tự động" : "Người dân", turn.text));
    });
    log.appendChild(el("div", { className: "divider", text: "— Yêu cầu gặp cán bộ lúc " + clock(h.created_at) + " —" }));
    h.messages.forEach(function (m) {
      var who = m.author === "staff" ? "Cán bộ hỗ trợ" + (m.staff_name ? " · " + m.staff_name : "") : "Người dân";
      log.appendChild(line(m.author, who + " · " + clock(m.created_at) + (m.author === "staff" && !m.delivered ? " · chờ người dân quay lại" : ""), m.text));
    });
    if (atEnd) log.scrollTop = log.scrollHeight;
    renderActions(h);
  }

  /* Redrawn only when what can be done changes, so a reply being typed survives each poll. */
  function renderActions(h) {
    var key = h.id + ":" + h.status + ":" + h.mine;
    if (key === state.actionsKey) return;
    state.actionsKey = key;
    var box = $("chat-actions");
    box.textContent = "";
    if (!canEdit) return;
    if (h.status === "waiting") {
      box.appendChild(el("button", { type: "button", id: "claim", text: "Nhận hỗ trợ", onclick: function () { act("POST", "/" + h.id + "/claim"); } }));
    } else if (h.status === "claimed" && h.mine) {
      var text = el("textarea", { id: "reply-text", maxlength: "2000", "aria-label": "Nội dung trả lời", placeholder: "Nhập câu trả lời cho người dân…" });
      text.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); send(h.id, text); }
      });
      box.appendChild(text);
      box.appendChild(el("div", { className: "row" }, [
        el("button", { type: "button", id: "send-reply", text: "Gửi", onclick: function () { send(h.id, text); } }),
        el("button", { type: "button", id: "close-handoff", className: "secondary", text: "Kết thúc hỗ trợ",
          onclick: function () { act("POST", "/" + h.id + "/close"); } }),
      ]));
    } else if (h.status === "claimed") {
      box.appendChild(el("p", { className: "muted", text: "Cán bộ " + (h.claimed_by || "") + " đang hỗ trợ cuộc trò chuyện này." }));
    }
  }

  function send(id, textarea) {
    var text = textarea.value.trim();
    if (!text) return;
    textarea.value = "";
    api("POST", "/" + id + "/messages", { text: text }).then(function (sent) {
      showError(sent.delivered ? "" : "Người dân chưa mở cửa sổ trò chuyện; tin nhắn sẽ hiện khi họ quay lại.");
      return refresh();
    }).catch(function (error) { textarea.value = text; showError(error.message); });
  }

  function act(method, path, body) {
    return api(method, path, body).then(function () { showError(""); return refresh(); })
      .catch(function (error) { showError(error.message); return refresh(); });
  }

  function select(id) {
    state.selected = id;
    state.actionsKey = "";
    renderQueue();
    renderChat();
  }

  function refresh() {
    return api("GET", "").then(function (desk) {
      state.desk = desk;
      if (state.selected === null && desk.handoffs.length) {
        var first = desk.handoffs.filter(function (h) { return h.status === "waiting" || h.mine; })[0];
        if (first) state.selected = first.id;
      }
      renderStatus();
      renderQueue();
      renderChat();
    }).catch(function (error) { showError(error.message); });
  }

  var nameForm = $("display-name-form");
  if (nameForm) {
    nameForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = $("display-name").value.trim();
      if (!value) { showError("Bạn nhập tên hiển thị (ví dụ: Lan)."); return; }
      act("PUT", "/display-name", { display_name: value });
    });
  }

  refresh();
  setInterval(refresh, POLL_MS);
})();
