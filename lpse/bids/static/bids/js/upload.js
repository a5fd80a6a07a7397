// Bid upload: countdown on the server's clock, resumable segmented upload, browser-side
// SHA-256 and MD5 of every whole file (@noble/hashes, vendored), then submission.
import { sha256 } from "../../vendor/noble-hashes/sha2.js";
import { md5 } from "../../vendor/noble-hashes/legacy.js";

const root = document.getElementById("bid-upload");
const clock = document.getElementById("countdown");
let serverOffset = 0;

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function csrfToken() {
  const field = document.querySelector("[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// --- Countdown ---------------------------------------------------------------------------
function formatLeft(ms, days) {
  const total = Math.floor(ms / 1000);
  const d = Math.floor(total / 86400);
  const h = String(Math.floor((total % 86400) / 3600)).padStart(2, "0");
  const m = String(Math.floor((total % 3600) / 60)).padStart(2, "0");
  const s = String(total % 60).padStart(2, "0");
  return (d > 0 ? `${d} ${days} ` : "") + `${h}:${m}:${s}`;
}

function startCountdown() {
  if (!clock || !clock.dataset.deadlineMs) return;
  const deadline = Number(clock.dataset.deadlineMs);
  serverOffset = Number(clock.dataset.serverNowMs) - Date.now();
  const sent = Date.now();
  fetch(clock.dataset.timeUrl, { cache: "no-store" })
    .then((r) => r.json())
    .then((data) => {
      const back = Date.now();
      serverOffset = data.now_ms - (sent + back) / 2;
    })
    .catch(() => {});
  const tick = () => {
    const left = deadline - (Date.now() + serverOffset);
    if (left <= 0) {
      clock.textContent = clock.dataset.closed;
      clock.classList.replace("text-bg-primary", "text-bg-secondary");
      const button = document.getElementById("upload-button");
      if (button) button.disabled = true;
      return;
    }
    if (root) clock.textContent = `${formatLeft(left, clock.dataset.days)} ${clock.dataset.left}`;
    setTimeout(tick, 1000 - ((Date.now() + serverOffset) % 1000));
  };
  tick();
}

// --- Upload ------------------------------------------------------------------------------
class UploadError extends Error {
  constructor(message, retry) {
    super(message);
    this.retry = retry;
  }
}

async function call(method, url, body, headers = {}) {
  let response;
  // A request that gets no answer (server or database restarting, connection lost without
  // an error) is abandoned and retried: 30 s plus 16 s per MiB sent (slow connections).
  const size = body && body.byteLength ? body.byteLength : 0;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30000 + (size / 65536) * 1000);
  try {
    response = await fetch(url, {
      method,
      body,
      credentials: "same-origin",
      signal: controller.signal,
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json", ...headers },
    });
  } catch (error) {
    throw new UploadError(String(error), true);
  } finally {
    clearTimeout(timer);
  }
  let data = {};
  try {
    data = await response.json();
  } catch (error) {
    data = {};
  }
  if (!response.ok) {
    const retry = response.status >= 500 || response.status === 429;
    throw new UploadError(data.error || `HTTP ${response.status}`, retry);
  }
  return data;
}

const postJson = (url, data) =>
  call("POST", url, JSON.stringify(data || {}), { "Content-Type": "application/json" });

async function withRetry(action, onRetry) {
  let delay = 1000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof UploadError) || !error.retry || attempt >= 6) throw error;
      onRetry(error);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 16000);
    }
  }
}

async function segmentDigest(bytes) {
  if (globalThis.crypto && crypto.subtle) {
    return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
  }
  return hex(sha256(bytes));
}

function fileRow(name) {
  const item = document.createElement("li");
  item.className = "mb-2";
  const label = document.createElement("div");
  label.className = "small";
  label.textContent = name;
  const bar = document.createElement("progress");
  bar.className = "w-100";
  bar.max = 1;
  bar.value = 0;
  bar.setAttribute("aria-label", name);
  item.append(label, bar);
  document.getElementById("upload-files").append(item);
  return { item, label, bar, name };
}

// A file the server refused (type, size, damage) or that stopped: its row says so instead of
// still reading "Sending" above an empty bar.
function markFailed(row, error) {
  const word = error instanceof UploadError && !error.retry
    ? root.dataset.msgRefused : root.dataset.msgStopped;
  row.item.dataset.state = "failed";
  row.label.className = "small text-danger fw-semibold";
  row.label.textContent = `${row.name} — ${word}: ${error.message}`;
  row.bar.remove();
}

async function sendFile(base, file, info, say, row) {
  const received = new Set(info.received);
  const wholeSha = sha256.create();
  const wholeMd5 = md5.create();
  const size = info.segment_size;
  let status = info.status;
  for (let index = 0; index < info.segment_count; index += 1) {
    const bytes = new Uint8Array(
      await file.slice(index * size, Math.min(file.size, (index + 1) * size)).arrayBuffer(),
    );
    wholeSha.update(bytes);
    wholeMd5.update(bytes);
    if (!received.has(index)) {
      row.label.textContent = `${file.name} — ${root.dataset.msgSending}`;
      const headers = { "Content-Type": "application/octet-stream",
        "X-Segment-SHA256": await segmentDigest(bytes) };
      if (index === info.segment_count - 1) {
        // The last segment carries the whole file's hashes: the server completes the file
        // in the same request (no separate call unless that fails).
        headers["X-File-SHA256"] = hex(wholeSha.clone().digest());
        headers["X-File-MD5"] = hex(wholeMd5.clone().digest());
      }
      const answer = await withRetry(
        () => call("PUT", `${base}${info.id}/segments/${index}/`, bytes, headers),
        () => say(`${root.dataset.msgRetry} (${file.name})`),
      );
      status = answer.file_status || status;
    }
    row.bar.value = (index + 1) / info.segment_count;
  }
  if (status !== "complete") {
    await withRetry(
      () => postJson(`${base}${info.id}/complete/`,
        { sha256: hex(wholeSha.digest()), md5: hex(wholeMd5.digest()) }),
      () => say(root.dataset.msgRetry),
    );
  }
  row.item.dataset.state = "done";
  row.label.textContent = `${file.name} — ${root.dataset.msgDone}`;
}

// --- Offer price -------------------------------------------------------------------------
// Typed the Indonesian way, as the server reads it (lpse.bids.services.upload.parse_amount):
// dots group thousands, a comma starts the cents; "3200000000.50" (one dot, 1–2 digits) too.
function parseAmount(raw) {
  let text = raw.replace(/[\s\u00a0]/g, "");
  if (/^rp/i.test(text)) text = text.slice(2).replace(/^\./, "");
  let whole;
  let cents = "";
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(text)) {
    [whole, cents = ""] = text.replace(/\./g, "").split(",");
  } else if (/^\d+([.,]\d+)?$/.test(text)) {
    const parts = text.split(/[.,]/);
    if (text.includes(".") && parts[1].length === 3) {
      whole = parts.join("");
    } else {
      [whole, cents = ""] = parts;
    }
  } else {
    return null;
  }
  if (cents.length > 2) return null;
  const units = BigInt(whole);
  const sen = Number((cents + "00").slice(0, 2));
  if ((units === 0n && sen === 0) || units >= 10n ** 16n) return null;
  return { units, sen };
}

function formatAmount({ units, sen }) {
  const grouped = units.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `Rp ${grouped},${String(sen).padStart(2, "0")}`;
}

const ONES = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan",
  "sembilan", "sepuluh", "sebelas"];
const SCALES = [[10n ** 15n, "kuadriliun"], [10n ** 12n, "triliun"], [10n ** 9n, "miliar"],
  [10n ** 6n, "juta"]];

// The amount in Indonesian words (terbilang), as written on an offer letter.
function terbilang(n) {
  const rest = (r) => (r > 0n ? ` ${terbilang(r)}` : "");
  if (n < 12n) return ONES[Number(n)];
  if (n < 20n) return `${terbilang(n - 10n)} belas`;
  if (n < 100n) return `${terbilang(n / 10n)} puluh${rest(n % 10n)}`;
  if (n < 200n) return `seratus${rest(n - 100n)}`;
  if (n < 1000n) return `${terbilang(n / 100n)} ratus${rest(n % 100n)}`;
  if (n < 2000n) return `seribu${rest(n - 1000n)}`;
  if (n < 1000000n) return `${terbilang(n / 1000n)} ribu${rest(n % 1000n)}`;
  for (const [scale, word] of SCALES) {
    if (n >= scale) return `${terbilang(n / scale)} ${word}${rest(n % scale)}`;
  }
  return "";
}

function amountInWords({ units, sen }) {
  const rupiah = units > 0n ? `${terbilang(units)} rupiah` : "";
  const cents = sen > 0 ? `${terbilang(BigInt(sen))} sen` : "";
  return [rupiah, cents].filter(Boolean).join(" ");
}

function showAmount() {
  const input = root.querySelector("#offer-amount");
  const shown = root.querySelector("#offer-amount-shown");
  const raw = input.value.trim();
  if (!raw) {
    shown.textContent = "";
    input.classList.remove("is-invalid");
    return;
  }
  const amount = parseAmount(raw);
  input.classList.toggle("is-invalid", amount === null);
  if (amount === null) {
    shown.className = "form-text text-danger";
    shown.textContent = root.dataset.msgBadamount;
    return;
  }
  shown.className = "form-text fw-semibold";
  const words = document.documentElement.lang.startsWith("id") ? ` (${amountInWords(amount)})` : "";
  shown.textContent = `${formatAmount(amount)}${words}`;
}

async function upload() {
  const status = document.getElementById("upload-status");
  const say = (text, kind = "info") => {
    status.className = `alert alert-${kind} small`;
    status.textContent = text;
  };
  const button = document.getElementById("upload-button");
  const inputs = [...root.querySelectorAll("input[type=file]")];
  const amount = root.querySelector("#offer-amount").value.trim();
  if (inputs.some((input) => input.files.length === 0)) return say(root.dataset.msgNofiles, "warning");
  if (!amount) return say(root.dataset.msgNoamount, "warning");
  if (parseAmount(amount) === null) return say(root.dataset.msgBadamount, "warning");
  const chosen = inputs.flatMap((input) =>
    [...input.files].map((file) => ({ file, envelope: Number(input.dataset.envelope) })));
  const total = chosen.reduce((sum, item) => sum + item.file.size, 0);
  if (chosen.length > Number(root.dataset.maxFiles) || total > Number(root.dataset.maxBytes)) {
    return say(root.dataset.msgToomany, "warning");
  }
  button.disabled = true;
  document.getElementById("upload-files").replaceChildren();
  try {
    const start = await withRetry(() => postJson(root.dataset.startUrl), () => say(root.dataset.msgRetry));
    const base = start.urls.files;
    const existing = start.files.map((info) => ({ ...info, used: false }));
    if (existing.length) say(root.dataset.msgResume);
    const plan = [];
    for (const { file, envelope } of chosen) {
      const match = existing.find((info) => !info.used && info.name === file.name &&
        info.size === file.size && info.envelope === envelope &&
        (info.last_modified === null || info.last_modified === file.lastModified));
      if (match) match.used = true;
      plan.push({ file, envelope, info: match || null });
    }
    for (const info of existing.filter((item) => !item.used)) {
      await withRetry(() => postJson(`${base}${info.id}/remove/`), () => say(root.dataset.msgRetry));
    }
    for (const item of plan) {
      const row = fileRow(item.file.name);
      try {
        if (!item.info) {
          item.info = await withRetry(() => postJson(base, {
            name: item.file.name, size: item.file.size, envelope: item.envelope,
            last_modified: item.file.lastModified,
          }), () => say(root.dataset.msgRetry));
        }
        await sendFile(base, item.file, item.info, say, row);
      } catch (error) {
        markFailed(row, error);
        throw error;
      }
    }
    say(root.dataset.msgSubmitting);
    const result = await withRetry(() => postJson(start.urls.submit, { offer_amount: amount }),
      () => say(root.dataset.msgRetry));
    window.location.assign(result.page);
  } catch (error) {
    say(`${error.message} ${error.retry ? root.dataset.msgFailed : ""}`, "danger");
    button.disabled = false;
  }
}

startCountdown();
if (root) {
  document.getElementById("upload-button").addEventListener("click", upload);
  root.querySelector("#offer-amount").addEventListener("input", showAmount);
  showAmount();
}
