// Original file: proto/hookd/v1/plugin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ApiUpdateHandlerRequest as _hookd_v1_ApiUpdateHandlerRequest, ApiUpdateHandlerRequest__Output as _hookd_v1_ApiUpdateHandlerRequest__Output } from '../../hookd/v1/ApiUpdateHandlerRequest.ts';
import type { ApiUpdateHandlerResponse as _hookd_v1_ApiUpdateHandlerResponse, ApiUpdateHandlerResponse__Output as _hookd_v1_ApiUpdateHandlerResponse__Output } from '../../hookd/v1/ApiUpdateHandlerResponse.ts';
import type { ConfigureRequest as _hookd_v1_ConfigureRequest, ConfigureRequest__Output as _hookd_v1_ConfigureRequest__Output } from '../../hookd/v1/ConfigureRequest.ts';
import type { ConfigureResponse as _hookd_v1_ConfigureResponse, ConfigureResponse__Output as _hookd_v1_ConfigureResponse__Output } from '../../hookd/v1/ConfigureResponse.ts';
import type { ContainerPostUpdateRequest as _hookd_v1_ContainerPostUpdateRequest, ContainerPostUpdateRequest__Output as _hookd_v1_ContainerPostUpdateRequest__Output } from '../../hookd/v1/ContainerPostUpdateRequest.ts';
import type { ContainerPostUpdateResponse as _hookd_v1_ContainerPostUpdateResponse, ContainerPostUpdateResponse__Output as _hookd_v1_ContainerPostUpdateResponse__Output } from '../../hookd/v1/ContainerPostUpdateResponse.ts';
import type { ContainerPreCreateEndpointRequest as _hookd_v1_ContainerPreCreateEndpointRequest, ContainerPreCreateEndpointRequest__Output as _hookd_v1_ContainerPreCreateEndpointRequest__Output } from '../../hookd/v1/ContainerPreCreateEndpointRequest.ts';
import type { ContainerPreCreateEndpointResponse as _hookd_v1_ContainerPreCreateEndpointResponse, ContainerPreCreateEndpointResponse__Output as _hookd_v1_ContainerPreCreateEndpointResponse__Output } from '../../hookd/v1/ContainerPreCreateEndpointResponse.ts';
import type { ContainerPreCreateRequest as _hookd_v1_ContainerPreCreateRequest, ContainerPreCreateRequest__Output as _hookd_v1_ContainerPreCreateRequest__Output } from '../../hookd/v1/ContainerPreCreateRequest.ts';
import type { ContainerPreCreateResponse as _hookd_v1_ContainerPreCreateResponse, ContainerPreCreateResponse__Output as _hookd_v1_ContainerPreCreateResponse__Output } from '../../hookd/v1/ContainerPreCreateResponse.ts';
import type { ContainerPreStartRequest as _hookd_v1_ContainerPreStartRequest, ContainerPreStartRequest__Output as _hookd_v1_ContainerPreStartRequest__Output } from '../../hookd/v1/ContainerPreStartRequest.ts';
import type { ContainerPreStartResponse as _hookd_v1_ContainerPreStartResponse, ContainerPreStartResponse__Output as _hookd_v1_ContainerPreStartResponse__Output } from '../../hookd/v1/ContainerPreStartResponse.ts';
import type { ContainerPreUpdateRequest as _hookd_v1_ContainerPreUpdateRequest, ContainerPreUpdateRequest__Output as _hookd_v1_ContainerPreUpdateRequest__Output } from '../../hookd/v1/ContainerPreUpdateRequest.ts';
import type { ContainerPreUpdateResponse as _hookd_v1_ContainerPreUpdateResponse, ContainerPreUpdateResponse__Output as _hookd_v1_ContainerPreUpdateResponse__Output } from '../../hookd/v1/ContainerPreUpdateResponse.ts';
import type { CriPreCreateContainerRequest as _hookd_v1_CriPreCreateContainerRequest, CriPreCreateContainerRequest__Output as _hookd_v1_CriPreCreateContainerRequest__Output } from '../../hookd/v1/CriPreCreateContainerRequest.ts';
import type { CriPreCreateContainerResponse as _hookd_v1_CriPreCreateContainerResponse, CriPreCreateContainerResponse__Output as _hookd_v1_CriPreCreateContainerResponse__Output } from '../../hookd/v1/CriPreCreateContainerResponse.ts';
import type { DaemonPreStartRequest as _hookd_v1_DaemonPreStartRequest, DaemonPreStartRequest__Output as _hookd_v1_DaemonPreStartRequest__Output } from '../../hookd/v1/DaemonPreStartRequest.ts';
import type { DaemonPreStartResponse as _hookd_v1_DaemonPreStartResponse, DaemonPreStartResponse__Output as _hookd_v1_DaemonPreStartResponse__Output } from '../../hookd/v1/DaemonPreStartResponse.ts';
import type { DaemonPreStopRequest as _hookd_v1_DaemonPreStopRequest, DaemonPreStopRequest__Output as _hookd_v1_DaemonPreStopRequest__Output } from '../../hookd/v1/DaemonPreStopRequest.ts';
import type { DaemonPreStopResponse as _hookd_v1_DaemonPreStopResponse, DaemonPreStopResponse__Output as _hookd_v1_DaemonPreStopResponse__Output } from '../../hookd/v1/DaemonPreStopResponse.ts';
import type { DescribeRequest as _hookd_v1_DescribeRequest, DescribeRequest__Output as _hookd_v1_DescribeRequest__Output } from '../../hookd/v1/DescribeRequest.ts';
import type { DescribeResponse as _hookd_v1_DescribeResponse, DescribeResponse__Output as _hookd_v1_DescribeResponse__Output } from '../../hookd/v1/DescribeResponse.ts';
import type { HandleHttpRequest as _hookd_v1_HandleHttpRequest, HandleHttpRequest__Output as _hookd_v1_HandleHttpRequest__Output } from '../../hookd/v1/HandleHttpRequest.ts';
import type { HandleHttpResponse as _hookd_v1_HandleHttpResponse, HandleHttpResponse__Output as _hookd_v1_HandleHttpResponse__Output } from '../../hookd/v1/HandleHttpResponse.ts';
import type { ImagePostPullRequest as _hookd_v1_ImagePostPullRequest, ImagePostPullRequest__Output as _hookd_v1_ImagePostPullRequest__Output } from '../../hookd/v1/ImagePostPullRequest.ts';
import type { ImagePostPullResponse as _hookd_v1_ImagePostPullResponse, ImagePostPullResponse__Output as _hookd_v1_ImagePostPullResponse__Output } from '../../hookd/v1/ImagePostPullResponse.ts';
import type { ShutdownRequest as _hookd_v1_ShutdownRequest, ShutdownRequest__Output as _hookd_v1_ShutdownRequest__Output } from '../../hookd/v1/ShutdownRequest.ts';
import type { ShutdownResponse as _hookd_v1_ShutdownResponse, ShutdownResponse__Output as _hookd_v1_ShutdownResponse__Output } from '../../hookd/v1/ShutdownResponse.ts';
import type { VolumePreCreateRequest as _hookd_v1_VolumePreCreateRequest, VolumePreCreateRequest__Output as _hookd_v1_VolumePreCreateRequest__Output } from '../../hookd/v1/VolumePreCreateRequest.ts';
import type { VolumePreCreateResponse as _hookd_v1_VolumePreCreateResponse, VolumePreCreateResponse__Output as _hookd_v1_VolumePreCreateResponse__Output } from '../../hookd/v1/VolumePreCreateResponse.ts';

export interface PluginClient extends grpc.Client {
  ApiUpdateHandler(argument: _hookd_v1_ApiUpdateHandlerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ApiUpdateHandlerResponse__Output>): grpc.ClientUnaryCall;
  ApiUpdateHandler(argument: _hookd_v1_ApiUpdateHandlerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ApiUpdateHandlerResponse__Output>): grpc.ClientUnaryCall;
  ApiUpdateHandler(argument: _hookd_v1_ApiUpdateHandlerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ApiUpdateHandlerResponse__Output>): grpc.ClientUnaryCall;
  ApiUpdateHandler(argument: _hookd_v1_ApiUpdateHandlerRequest, callback: grpc.requestCallback<_hookd_v1_ApiUpdateHandlerResponse__Output>): grpc.ClientUnaryCall;
  apiUpdateHandler(argument: _hookd_v1_ApiUpdateHandlerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ApiUpdateHandlerResponse__Output>): grpc.ClientUnaryCall;
  apiUpdateHandler(argument: _hookd_v1_ApiUpdateHandlerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ApiUpdateHandlerResponse__Output>): grpc.ClientUnaryCall;
  apiUpdateHandler(argument: _hookd_v1_ApiUpdateHandlerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ApiUpdateHandlerResponse__Output>): grpc.ClientUnaryCall;
  apiUpdateHandler(argument: _hookd_v1_ApiUpdateHandlerRequest, callback: grpc.requestCallback<_hookd_v1_ApiUpdateHandlerResponse__Output>): grpc.ClientUnaryCall;
  
  Configure(argument: _hookd_v1_ConfigureRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ConfigureResponse__Output>): grpc.ClientUnaryCall;
  Configure(argument: _hookd_v1_ConfigureRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ConfigureResponse__Output>): grpc.ClientUnaryCall;
  Configure(argument: _hookd_v1_ConfigureRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ConfigureResponse__Output>): grpc.ClientUnaryCall;
  Configure(argument: _hookd_v1_ConfigureRequest, callback: grpc.requestCallback<_hookd_v1_ConfigureResponse__Output>): grpc.ClientUnaryCall;
  configure(argument: _hookd_v1_ConfigureRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ConfigureResponse__Output>): grpc.ClientUnaryCall;
  configure(argument: _hookd_v1_ConfigureRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ConfigureResponse__Output>): grpc.ClientUnaryCall;
  configure(argument: _hookd_v1_ConfigureRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ConfigureResponse__Output>): grpc.ClientUnaryCall;
  configure(argument: _hookd_v1_ConfigureRequest, callback: grpc.requestCallback<_hookd_v1_ConfigureResponse__Output>): grpc.ClientUnaryCall;
  
  ContainerPostUpdate(argument: _hookd_v1_ContainerPostUpdateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPostUpdateResponse__Output>): grpc.ClientUnaryCall;
  ContainerPostUpdate(argument: _hookd_v1_ContainerPostUpdateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ContainerPostUpdateResponse__Output>): grpc.ClientUnaryCall;
  ContainerPostUpdate(argument: _hookd_v1_ContainerPostUpdateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPostUpdateResponse__Output>): grpc.ClientUnaryCall;
  ContainerPostUpdate(argument: _hookd_v1_ContainerPostUpdateRequest, callback: grpc.requestCallback<_hookd_v1_ContainerPostUpdateResponse__Output>): grpc.ClientUnaryCall;
  containerPostUpdate(argument: _hookd_v1_ContainerPostUpdateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPostUpdateResponse__Output>): grpc.ClientUnaryCall;
  containerPostUpdate(argument: _hookd_v1_ContainerPostUpdateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ContainerPostUpdateResponse__Output>): grpc.ClientUnaryCall;
  containerPostUpdate(argument: _hookd_v1_ContainerPostUpdateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPostUpdateResponse__Output>): grpc.ClientUnaryCall;
  containerPostUpdate(argument: _hookd_v1_ContainerPostUpdateRequest, callback: grpc.requestCallback<_hookd_v1_ContainerPostUpdateResponse__Output>): grpc.ClientUnaryCall;
  
  ContainerPreCreate(argument: _hookd_v1_ContainerPreCreateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreCreate(argument: _hookd_v1_ContainerPreCreateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreCreate(argument: _hookd_v1_ContainerPreCreateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreCreate(argument: _hookd_v1_ContainerPreCreateRequest, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateResponse__Output>): grpc.ClientUnaryCall;
  containerPreCreate(argument: _hookd_v1_ContainerPreCreateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateResponse__Output>): grpc.ClientUnaryCall;
  containerPreCreate(argument: _hookd_v1_ContainerPreCreateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateResponse__Output>): grpc.ClientUnaryCall;
  containerPreCreate(argument: _hookd_v1_ContainerPreCreateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateResponse__Output>): grpc.ClientUnaryCall;
  containerPreCreate(argument: _hookd_v1_ContainerPreCreateRequest, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateResponse__Output>): grpc.ClientUnaryCall;
  
  ContainerPreCreateEndpoint(argument: _hookd_v1_ContainerPreCreateEndpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateEndpointResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreCreateEndpoint(argument: _hookd_v1_ContainerPreCreateEndpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateEndpointResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreCreateEndpoint(argument: _hookd_v1_ContainerPreCreateEndpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateEndpointResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreCreateEndpoint(argument: _hookd_v1_ContainerPreCreateEndpointRequest, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateEndpointResponse__Output>): grpc.ClientUnaryCall;
  containerPreCreateEndpoint(argument: _hookd_v1_ContainerPreCreateEndpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateEndpointResponse__Output>): grpc.ClientUnaryCall;
  containerPreCreateEndpoint(argument: _hookd_v1_ContainerPreCreateEndpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateEndpointResponse__Output>): grpc.ClientUnaryCall;
  containerPreCreateEndpoint(argument: _hookd_v1_ContainerPreCreateEndpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateEndpointResponse__Output>): grpc.ClientUnaryCall;
  containerPreCreateEndpoint(argument: _hookd_v1_ContainerPreCreateEndpointRequest, callback: grpc.requestCallback<_hookd_v1_ContainerPreCreateEndpointResponse__Output>): grpc.ClientUnaryCall;
  
  ContainerPreStart(argument: _hookd_v1_ContainerPreStartRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreStartResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreStart(argument: _hookd_v1_ContainerPreStartRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ContainerPreStartResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreStart(argument: _hookd_v1_ContainerPreStartRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreStartResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreStart(argument: _hookd_v1_ContainerPreStartRequest, callback: grpc.requestCallback<_hookd_v1_ContainerPreStartResponse__Output>): grpc.ClientUnaryCall;
  containerPreStart(argument: _hookd_v1_ContainerPreStartRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreStartResponse__Output>): grpc.ClientUnaryCall;
  containerPreStart(argument: _hookd_v1_ContainerPreStartRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ContainerPreStartResponse__Output>): grpc.ClientUnaryCall;
  containerPreStart(argument: _hookd_v1_ContainerPreStartRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreStartResponse__Output>): grpc.ClientUnaryCall;
  containerPreStart(argument: _hookd_v1_ContainerPreStartRequest, callback: grpc.requestCallback<_hookd_v1_ContainerPreStartResponse__Output>): grpc.ClientUnaryCall;
  
  ContainerPreUpdate(argument: _hookd_v1_ContainerPreUpdateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreUpdateResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreUpdate(argument: _hookd_v1_ContainerPreUpdateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ContainerPreUpdateResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreUpdate(argument: _hookd_v1_ContainerPreUpdateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreUpdateResponse__Output>): grpc.ClientUnaryCall;
  ContainerPreUpdate(argument: _hookd_v1_ContainerPreUpdateRequest, callback: grpc.requestCallback<_hookd_v1_ContainerPreUpdateResponse__Output>): grpc.ClientUnaryCall;
  containerPreUpdate(argument: _hookd_v1_ContainerPreUpdateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreUpdateResponse__Output>): grpc.ClientUnaryCall;
  containerPreUpdate(argument: _hookd_v1_ContainerPreUpdateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ContainerPreUpdateResponse__Output>): grpc.ClientUnaryCall;
  containerPreUpdate(argument: _hookd_v1_ContainerPreUpdateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ContainerPreUpdateResponse__Output>): grpc.ClientUnaryCall;
  containerPreUpdate(argument: _hookd_v1_ContainerPreUpdateRequest, callback: grpc.requestCallback<_hookd_v1_ContainerPreUpdateResponse__Output>): grpc.ClientUnaryCall;
  
  CriPreCreateContainer(argument: _hookd_v1_CriPreCreateContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_CriPreCreateContainerResponse__Output>): grpc.ClientUnaryCall;
  CriPreCreateContainer(argument: _hookd_v1_CriPreCreateContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_CriPreCreateContainerResponse__Output>): grpc.ClientUnaryCall;
  CriPreCreateContainer(argument: _hookd_v1_CriPreCreateContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_CriPreCreateContainerResponse__Output>): grpc.ClientUnaryCall;
  CriPreCreateContainer(argument: _hookd_v1_CriPreCreateContainerRequest, callback: grpc.requestCallback<_hookd_v1_CriPreCreateContainerResponse__Output>): grpc.ClientUnaryCall;
  criPreCreateContainer(argument: _hookd_v1_CriPreCreateContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_CriPreCreateContainerResponse__Output>): grpc.ClientUnaryCall;
  criPreCreateContainer(argument: _hookd_v1_CriPreCreateContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_CriPreCreateContainerResponse__Output>): grpc.ClientUnaryCall;
  criPreCreateContainer(argument: _hookd_v1_CriPreCreateContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_CriPreCreateContainerResponse__Output>): grpc.ClientUnaryCall;
  criPreCreateContainer(argument: _hookd_v1_CriPreCreateContainerRequest, callback: grpc.requestCallback<_hookd_v1_CriPreCreateContainerResponse__Output>): grpc.ClientUnaryCall;
  
  DaemonPreStart(argument: _hookd_v1_DaemonPreStartRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DaemonPreStartResponse__Output>): grpc.ClientUnaryCall;
  DaemonPreStart(argument: _hookd_v1_DaemonPreStartRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_DaemonPreStartResponse__Output>): grpc.ClientUnaryCall;
  DaemonPreStart(argument: _hookd_v1_DaemonPreStartRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DaemonPreStartResponse__Output>): grpc.ClientUnaryCall;
  DaemonPreStart(argument: _hookd_v1_DaemonPreStartRequest, callback: grpc.requestCallback<_hookd_v1_DaemonPreStartResponse__Output>): grpc.ClientUnaryCall;
  daemonPreStart(argument: _hookd_v1_DaemonPreStartRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DaemonPreStartResponse__Output>): grpc.ClientUnaryCall;
  daemonPreStart(argument: _hookd_v1_DaemonPreStartRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_DaemonPreStartResponse__Output>): grpc.ClientUnaryCall;
  daemonPreStart(argument: _hookd_v1_DaemonPreStartRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DaemonPreStartResponse__Output>): grpc.ClientUnaryCall;
  daemonPreStart(argument: _hookd_v1_DaemonPreStartRequest, callback: grpc.requestCallback<_hookd_v1_DaemonPreStartResponse__Output>): grpc.ClientUnaryCall;
  
  DaemonPreStop(argument: _hookd_v1_DaemonPreStopRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DaemonPreStopResponse__Output>): grpc.ClientUnaryCall;
  DaemonPreStop(argument: _hookd_v1_DaemonPreStopRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_DaemonPreStopResponse__Output>): grpc.ClientUnaryCall;
  DaemonPreStop(argument: _hookd_v1_DaemonPreStopRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DaemonPreStopResponse__Output>): grpc.ClientUnaryCall;
  DaemonPreStop(argument: _hookd_v1_DaemonPreStopRequest, callback: grpc.requestCallback<_hookd_v1_DaemonPreStopResponse__Output>): grpc.ClientUnaryCall;
  daemonPreStop(argument: _hookd_v1_DaemonPreStopRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DaemonPreStopResponse__Output>): grpc.ClientUnaryCall;
  daemonPreStop(argument: _hookd_v1_DaemonPreStopRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_DaemonPreStopResponse__Output>): grpc.ClientUnaryCall;
  daemonPreStop(argument: _hookd_v1_DaemonPreStopRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DaemonPreStopResponse__Output>): grpc.ClientUnaryCall;
  daemonPreStop(argument: _hookd_v1_DaemonPreStopRequest, callback: grpc.requestCallback<_hookd_v1_DaemonPreStopResponse__Output>): grpc.ClientUnaryCall;
  
  Describe(argument: _hookd_v1_DescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _hookd_v1_DescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _hookd_v1_DescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _hookd_v1_DescribeRequest, callback: grpc.requestCallback<_hookd_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _hookd_v1_DescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _hookd_v1_DescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _hookd_v1_DescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _hookd_v1_DescribeRequest, callback: grpc.requestCallback<_hookd_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  
  HandleHttp(argument: _hookd_v1_HandleHttpRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_HandleHttpResponse__Output>): grpc.ClientUnaryCall;
  HandleHttp(argument: _hookd_v1_HandleHttpRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_HandleHttpResponse__Output>): grpc.ClientUnaryCall;
  HandleHttp(argument: _hookd_v1_HandleHttpRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_HandleHttpResponse__Output>): grpc.ClientUnaryCall;
  HandleHttp(argument: _hookd_v1_HandleHttpRequest, callback: grpc.requestCallback<_hookd_v1_HandleHttpResponse__Output>): grpc.ClientUnaryCall;
  handleHttp(argument: _hookd_v1_HandleHttpRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_HandleHttpResponse__Output>): grpc.ClientUnaryCall;
  handleHttp(argument: _hookd_v1_HandleHttpRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_HandleHttpResponse__Output>): grpc.ClientUnaryCall;
  handleHttp(argument: _hookd_v1_HandleHttpRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_HandleHttpResponse__Output>): grpc.ClientUnaryCall;
  handleHttp(argument: _hookd_v1_HandleHttpRequest, callback: grpc.requestCallback<_hookd_v1_HandleHttpResponse__Output>): grpc.ClientUnaryCall;
  
  ImagePostPull(argument: _hookd_v1_ImagePostPullRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ImagePostPullResponse__Output>): grpc.ClientUnaryCall;
  ImagePostPull(argument: _hookd_v1_ImagePostPullRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ImagePostPullResponse__Output>): grpc.ClientUnaryCall;
  ImagePostPull(argument: _hookd_v1_ImagePostPullRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ImagePostPullResponse__Output>): grpc.ClientUnaryCall;
  ImagePostPull(argument: _hookd_v1_ImagePostPullRequest, callback: grpc.requestCallback<_hookd_v1_ImagePostPullResponse__Output>): grpc.ClientUnaryCall;
  imagePostPull(argument: _hookd_v1_ImagePostPullRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ImagePostPullResponse__Output>): grpc.ClientUnaryCall;
  imagePostPull(argument: _hookd_v1_ImagePostPullRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ImagePostPullResponse__Output>): grpc.ClientUnaryCall;
  imagePostPull(argument: _hookd_v1_ImagePostPullRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ImagePostPullResponse__Output>): grpc.ClientUnaryCall;
  imagePostPull(argument: _hookd_v1_ImagePostPullRequest, callback: grpc.requestCallback<_hookd_v1_ImagePostPullResponse__Output>): grpc.ClientUnaryCall;
  
  Shutdown(argument: _hookd_v1_ShutdownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ShutdownResponse__Output>): grpc.ClientUnaryCall;
  Shutdown(argument: _hookd_v1_ShutdownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ShutdownResponse__Output>): grpc.ClientUnaryCall;
  Shutdown(argument: _hookd_v1_ShutdownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ShutdownResponse__Output>): grpc.ClientUnaryCall;
  Shutdown(argument: _hookd_v1_ShutdownRequest, callback: grpc.requestCallback<_hookd_v1_ShutdownResponse__Output>): grpc.ClientUnaryCall;
  shutdown(argument: _hookd_v1_ShutdownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ShutdownResponse__Output>): grpc.ClientUnaryCall;
  shutdown(argument: _hookd_v1_ShutdownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_ShutdownResponse__Output>): grpc.ClientUnaryCall;
  shutdown(argument: _hookd_v1_ShutdownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_ShutdownResponse__Output>): grpc.ClientUnaryCall;
  shutdown(argument: _hookd_v1_ShutdownRequest, callback: grpc.requestCallback<_hookd_v1_ShutdownResponse__Output>): grpc.ClientUnaryCall;
  
  VolumePreCreate(argument: _hookd_v1_VolumePreCreateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_VolumePreCreateResponse__Output>): grpc.ClientUnaryCall;
  VolumePreCreate(argument: _hookd_v1_VolumePreCreateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_VolumePreCreateResponse__Output>): grpc.ClientUnaryCall;
  VolumePreCreate(argument: _hookd_v1_VolumePreCreateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_VolumePreCreateResponse__Output>): grpc.ClientUnaryCall;
  VolumePreCreate(argument: _hookd_v1_VolumePreCreateRequest, callback: grpc.requestCallback<_hookd_v1_VolumePreCreateResponse__Output>): grpc.ClientUnaryCall;
  volumePreCreate(argument: _hookd_v1_VolumePreCreateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_VolumePreCreateResponse__Output>): grpc.ClientUnaryCall;
  volumePreCreate(argument: _hookd_v1_VolumePreCreateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hookd_v1_VolumePreCreateResponse__Output>): grpc.ClientUnaryCall;
  volumePreCreate(argument: _hookd_v1_VolumePreCreateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hookd_v1_VolumePreCreateResponse__Output>): grpc.ClientUnaryCall;
  volumePreCreate(argument: _hookd_v1_VolumePreCreateRequest, callback: grpc.requestCallback<_hookd_v1_VolumePreCreateResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface PluginHandlers extends grpc.UntypedServiceImplementation {
  ApiUpdateHandler: grpc.handleUnaryCall<_hookd_v1_ApiUpdateHandlerRequest__Output, _hookd_v1_ApiUpdateHandlerResponse>;
  
  Configure: grpc.handleUnaryCall<_hookd_v1_ConfigureRequest__Output, _hookd_v1_ConfigureResponse>;
  
  ContainerPostUpdate: grpc.handleUnaryCall<_hookd_v1_ContainerPostUpdateRequest__Output, _hookd_v1_ContainerPostUpdateResponse>;
  
  ContainerPreCreate: grpc.handleUnaryCall<_hookd_v1_ContainerPreCreateRequest__Output, _hookd_v1_ContainerPreCreateResponse>;
  
  ContainerPreCreateEndpoint: grpc.handleUnaryCall<_hookd_v1_ContainerPreCreateEndpointRequest__Output, _hookd_v1_ContainerPreCreateEndpointResponse>;
  
  ContainerPreStart: grpc.handleUnaryCall<_hookd_v1_ContainerPreStartRequest__Output, _hookd_v1_ContainerPreStartResponse>;
  
  ContainerPreUpdate: grpc.handleUnaryCall<_hookd_v1_ContainerPreUpdateRequest__Output, _hookd_v1_ContainerPreUpdateResponse>;
  
  CriPreCreateContainer: grpc.handleUnaryCall<_hookd_v1_CriPreCreateContainerRequest__Output, _hookd_v1_CriPreCreateContainerResponse>;
  
  DaemonPreStart: grpc.handleUnaryCall<_hookd_v1_DaemonPreStartRequest__Output, _hookd_v1_DaemonPreStartResponse>;
  
  DaemonPreStop: grpc.handleUnaryCall<_hookd_v1_DaemonPreStopRequest__Output, _hookd_v1_DaemonPreStopResponse>;
  
  Describe: grpc.handleUnaryCall<_hookd_v1_DescribeRequest__Output, _hookd_v1_DescribeResponse>;
  
  HandleHttp: grpc.handleUnaryCall<_hookd_v1_HandleHttpRequest__Output, _hookd_v1_HandleHttpResponse>;
  
  ImagePostPull: grpc.handleUnaryCall<_hookd_v1_ImagePostPullRequest__Output, _hookd_v1_ImagePostPullResponse>;
  
  Shutdown: grpc.handleUnaryCall<_hookd_v1_ShutdownRequest__Output, _hookd_v1_ShutdownResponse>;
  
  VolumePreCreate: grpc.handleUnaryCall<_hookd_v1_VolumePreCreateRequest__Output, _hookd_v1_VolumePreCreateResponse>;
  
}

export interface PluginDefinition extends grpc.ServiceDefinition {
  ApiUpdateHandler: MethodDefinition<_hookd_v1_ApiUpdateHandlerRequest, _hookd_v1_ApiUpdateHandlerResponse, _hookd_v1_ApiUpdateHandlerRequest__Output, _hookd_v1_ApiUpdateHandlerResponse__Output>
  Configure: MethodDefinition<_hookd_v1_ConfigureRequest, _hookd_v1_ConfigureResponse, _hookd_v1_ConfigureRequest__Output, _hookd_v1_ConfigureResponse__Output>
  ContainerPostUpdate: MethodDefinition<_hookd_v1_ContainerPostUpdateRequest, _hookd_v1_ContainerPostUpdateResponse, _hookd_v1_ContainerPostUpdateRequest__Output, _hookd_v1_ContainerPostUpdateResponse__Output>
  ContainerPreCreate: MethodDefinition<_hookd_v1_ContainerPreCreateRequest, _hookd_v1_ContainerPreCreateResponse, _hookd_v1_ContainerPreCreateRequest__Output, _hookd_v1_ContainerPreCreateResponse__Output>
  ContainerPreCreateEndpoint: MethodDefinition<_hookd_v1_ContainerPreCreateEndpointRequest, _hookd_v1_ContainerPreCreateEndpointResponse, _hookd_v1_ContainerPreCreateEndpointRequest__Output, _hookd_v1_ContainerPreCreateEndpointResponse__Output>
  ContainerPreStart: MethodDefinition<_hookd_v1_ContainerPreStartRequest, _hookd_v1_ContainerPreStartResponse, _hookd_v1_ContainerPreStartRequest__Output, _hookd_v1_ContainerPreStartResponse__Output>
  ContainerPreUpdate: MethodDefinition<_hookd_v1_ContainerPreUpdateRequest, _hookd_v1_ContainerPreUpdateResponse, _hookd_v1_ContainerPreUpdateRequest__Output, _hookd_v1_ContainerPreUpdateResponse__Output>
  CriPreCreateContainer: MethodDefinition<_hookd_v1_CriPreCreateContainerRequest, _hookd_v1_CriPreCreateContainerResponse, _hookd_v1_CriPreCreateContainerRequest__Output, _hookd_v1_CriPreCreateContainerResponse__Output>
  DaemonPreStart: MethodDefinition<_hookd_v1_DaemonPreStartRequest, _hookd_v1_DaemonPreStartResponse, _hookd_v1_DaemonPreStartRequest__Output, _hookd_v1_DaemonPreStartResponse__Output>
  DaemonPreStop: MethodDefinition<_hookd_v1_DaemonPreStopRequest, _hookd_v1_DaemonPreStopResponse, _hookd_v1_DaemonPreStopRequest__Output, _hookd_v1_DaemonPreStopResponse__Output>
  Describe: MethodDefinition<_hookd_v1_DescribeRequest, _hookd_v1_DescribeResponse, _hookd_v1_DescribeRequest__Output, _hookd_v1_DescribeResponse__Output>
  HandleHttp: MethodDefinition<_hookd_v1_HandleHttpRequest, _hookd_v1_HandleHttpResponse, _hookd_v1_HandleHttpRequest__Output, _hookd_v1_HandleHttpResponse__Output>
  ImagePostPull: MethodDefinition<_hookd_v1_ImagePostPullRequest, _hookd_v1_ImagePostPullResponse, _hookd_v1_ImagePostPullRequest__Output, _hookd_v1_ImagePostPullResponse__Output>
  Shutdown: MethodDefinition<_hookd_v1_ShutdownRequest, _hookd_v1_ShutdownResponse, _hookd_v1_ShutdownRequest__Output, _hookd_v1_ShutdownResponse__Output>
  VolumePreCreate: MethodDefinition<_hookd_v1_VolumePreCreateRequest, _hookd_v1_VolumePreCreateResponse, _hookd_v1_VolumePreCreateRequest__Output, _hookd_v1_VolumePreCreateResponse__Output>
}
