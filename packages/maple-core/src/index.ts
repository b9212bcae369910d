export { MAPLE_MAX, MapleError, type MapleErrorCode } from './errors.js';
