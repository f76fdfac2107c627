-- Headless Neovim (0.7 API) smoke test of `trainlint lsp --stdio`.
--   nvim --headless -i NONE -u test/nvim/init.lua FILE
-- Env:
--   TRAINLINT_LSP_CMD   JSON array, the server command (default: node dist/cli.js lsp --stdio, from the cwd)
--   TRAINLINT_EXPECT    optional rule name and/or code, comma-separated (e.g. unknown-key,TL201), to wait for
--   TRAINLINT_TIMEOUT_MS  how long to wait for diagnostics (default 20000)
-- Prints one JSON line {file, elapsed_ms, diagnostics = [...]} to stdout and exits 0, or
-- prints {error = ...} and exits 1 on a timeout, a server that fails to start, or a missing TRAINLINT_EXPECT.
-- Set XDG_* to a temporary folder so lsp.log stays out of the home folder.

-- init.lua runs before FILE is loaded into its buffer: everything happens on VimEnter.
local function run()
  local started = vim.loop.hrtime()
  local file = vim.api.nvim_buf_get_name(0)
  local uri = vim.uri_from_fname(file)
  local timeout = tonumber(vim.env.TRAINLINT_TIMEOUT_MS or '') or 20000
  local expect = vim.env.TRAINLINT_EXPECT
  if expect == '' then expect = nil end
  local cmd = { 'node', 'dist/cli.js', 'lsp', '--stdio' }
  if vim.env.TRAINLINT_LSP_CMD and vim.env.TRAINLINT_LSP_CMD ~= '' then
    cmd = vim.fn.json_decode(vim.env.TRAINLINT_LSP_CMD)
  end

  local function finish(code, value)
    io.stdout:write(vim.fn.json_encode(value) .. '\n')
    io.stdout:flush()
    vim.lsp.stop_client(vim.lsp.get_active_clients())
    if code == 0 then vim.cmd('qall!') else vim.cmd('cquit ' .. code) end
  end

  local function code_of(d)
    if d.code == nil or d.code == vim.NIL then return '' end
    return tostring(d.code)
  end

  local function href_of(d)
    if type(d.codeDescription) == 'table' and type(d.codeDescription.href) == 'string' then return d.codeDescription.href end
    return ''
  end

  -- TRAINLINT_EXPECT may list alternatives, comma-separated (a rule's name and its code): one must be
  -- the code, or appear in the code's docs link or in the message.
  local function matches(d)
    if not expect then return true end
    for want in expect:gmatch('[^,%s]+') do
      if code_of(d) == want or href_of(d):find('/' .. want, 1, true) or (d.message or ''):find(want, 1, true) then
        return true
      end
    end
    return false
  end

  local latest = nil -- the last diagnostics published for this file
  local exited = nil

  local client_id = vim.lsp.start_client({
    name = 'trainlint',
    cmd = cmd,
    root_dir = vim.fn.fnamemodify(file, ':h'),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, result)
        if result and result.uri == uri then latest = result.diagnostics end
      end,
    },
    on_exit = function(code, signal) exited = { code = code, signal = signal } end,
  })
  if not client_id then
    finish(1, { error = 'vim.lsp.start_client failed', cmd = cmd })
    return
  end
  vim.lsp.buf_attach_client(0, client_id)

  -- Done when a publish for this file holds the expected diagnostic (or any publish, with nothing expected).
  local ok = vim.wait(timeout, function()
    if exited then return true end
    if latest == nil then return false end
    for _, d in ipairs(latest) do if matches(d) then return true end end
    return expect == nil
  end, 20)

  local elapsed_ms = math.floor((vim.loop.hrtime() - started) / 1e6)

  local diagnostics = {}
  for _, d in ipairs(latest or {}) do
    table.insert(diagnostics, {
      line = d.range.start.line + 1,
      character = d.range.start.character + 1,
      severity = d.severity,
      code = code_of(d),
      href = href_of(d),
      source = d.source,
      message = d.message,
    })
  end

  if exited then
    finish(1, { error = 'the server exited', exit = exited, file = file, cmd = cmd })
  elseif not ok then
    finish(1, {
      error = latest == nil and ('no publishDiagnostics for this file within ' .. timeout .. ' ms')
        or ('no ' .. tostring(expect) .. ' diagnostic within ' .. timeout .. ' ms'),
      file = file, elapsed_ms = elapsed_ms, diagnostics = diagnostics,
    })
  else
    finish(0, { file = file, elapsed_ms = elapsed_ms, diagnostics = diagnostics })
  end
end

vim.api.nvim_create_autocmd('VimEnter', { once = true, callback = run })
