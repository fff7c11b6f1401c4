import type { ResourceDefinition } from '../../registry/resource-definition.js';
import { horizontalPodAutoscalersV1, horizontalPodAutoscalersV2 } from './horizontalpodautoscalers.js';

/** HorizontalPodAutoscalers in both served versions, stored once as v2. */
export const autoscalingResources: ResourceDefinition[] = [horizontalPodAutoscalersV2, horizontalPodAutoscalersV1];
