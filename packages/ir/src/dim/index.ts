export { Rational } from './rational.js';
export {
  Dim,
  bounds,
  ceil,
  cmpHolds,
  decide,
  floor,
  floorDiv,
  makeDivisible,
  makeDivisibleExact,
  max,
  min,
  piecewise,
  printDim,
  signOf,
} from './dim.js';
export type { Atom, Bindings, CmpOp, Factor, FnName, Interval, Monomial, Sign } from './dim.js';
export { ALLOWED_FUNCTIONS, EXPR_LIMITS, parseDim, parseExpr, describe } from './parse.js';
export { dimTex } from './tex.js';
