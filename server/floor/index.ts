export { floorRoutes } from './floor.routes';
export { floorSnapshot, type FloorSnapshot } from './floor.service';
