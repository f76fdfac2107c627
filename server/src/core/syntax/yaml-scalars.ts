import type { ScalarValue } from './config-tree';

/**
 * How a Python loader types an unquoted YAML scalar.
 * - 'pyyaml': yaml.safe_load, YAML 1.1 resolvers (pyyaml lib/yaml/resolver.py): `1e-4` stays a string,
 *   floats need a dot and a signed exponent, and yes/no/on/off are booleans.
 * - 'omegaconf': OmegaConf/Hydra add a float resolver that also accepts `1e-4` (omegaconf/_utils.py get_yaml_loader).
 */
export type YamlResolver = 'pyyaml' | 'omegaconf';

const NULL_RE = /^(?:~|null|Null|NULL|)$/;
const BOOL_TRUE_RE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const BOOL_FALSE_RE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
// PyYAML Resolver int regexp (YAML 1.1 int, with binary, octal, hex and sexagesimal forms).
const INT_RE = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
// PyYAML Resolver float regexp: a dot is required, and an exponent must carry a sign.
const PYYAML_FLOAT_RE = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
// OmegaConf's replacement float regexp: exponent without a dot or sign is accepted.
const OMEGACONF_FLOAT_RE = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** What JSON and YAML 1.2 read as a number; used to spot numbers that a YAML 1.1 loader keeps as strings. */
export const YAML12_NUMBER_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

export function resolvePlainScalar(text: string, resolver: YamlResolver): ScalarValue {
  if (NULL_RE.test(text)) return null;
  if (BOOL_TRUE_RE.test(text)) return true;
  if (BOOL_FALSE_RE.test(text)) return false;
  if (INT_RE.test(text)) return parseYamlInt(text);
  const floatRe = resolver === 'omegaconf' ? OMEGACONF_FLOAT_RE : PYYAML_FLOAT_RE;
  if (floatRe.test(text)) return parseYamlFloat(text);
  return text;
}

function sexagesimal(digits: string): number {
  return digits.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

function parseYamlInt(text: string): number {
  let body = text.replace(/_/g, '');
  let sign = 1;
  if (body[0] === '-' || body[0] === '+') {
    if (body[0] === '-') sign = -1;
    body = body.slice(1);
  }
  if (body === '0') return 0;
  if (body.startsWith('0b')) return sign * parseInt(body.slice(2), 2);
  if (body.startsWith('0x')) return sign * parseInt(body.slice(2), 16);
  if (body.startsWith('0')) return sign * parseInt(body.slice(1), 8);
  if (body.includes(':')) return sign * sexagesimal(body);
  return sign * Number(body);
}

function parseYamlFloat(text: string): number {
  let body = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (body[0] === '-' || body[0] === '+') {
    if (body[0] === '-') sign = -1;
    body = body.slice(1);
  }
  if (body === '.inf') return sign * Infinity;
  if (body === '.nan') return NaN;
  if (body.includes(':')) return sign * sexagesimal(body);
  return sign * Number(body);
}

/**
 * The shortest rewrite of a number-looking string that PyYAML reads as a float:
 * `2e-5` becomes `2.0e-5`, `1E5` becomes `1.0E+5`.
 */
export function pyyamlFloatSpelling(text: string): string | undefined {
  const m = /^([-+]?)([0-9]+)(?:\.([0-9]*))?([eE])([-+]?)([0-9]+)$/.exec(text);
  if (!m) return undefined;
  const [, sign, whole, fraction, e, expSign, exponent] = m;
  return `${sign}${whole}.${fraction && fraction.length > 0 ? fraction : '0'}${e}${expSign || '+'}${exponent}`;
}
